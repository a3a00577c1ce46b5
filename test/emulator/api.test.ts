import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import {
  api,
  API_KEY,
  type BotJson,
  createBot,
  type Harness,
  harness,
  meetingSpec,
  waitFor,
  waitForStatus,
} from './helpers';

interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: BotJson[];
}

void describe('emulator REST API', () => {
  let h: Harness;
  let meetingUrl: string;
  before(async () => {
    h = await harness();
    meetingUrl = h.emulator.createMeeting(meetingSpec({ durationSeconds: 3600 })).url;
  });
  after(() => h.close());

  void it('answers 401 {"detail":"Invalid token."} without a valid key, and accepts both header forms', async () => {
    for (const authorization of [undefined, 'Token wrong', 'wrong', `Bearer ${API_KEY}`]) {
      const res = await request(`${h.emulator.baseUrl}/api/v1/bot/`, {
        headers: authorization ? { authorization } : {},
      });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(await res.body.json(), { detail: 'Invalid token.' });
    }
    assert.equal((await api(h.emulator, 'GET', '/api/v1/bot/', undefined, { authorization: API_KEY })).status, 200);
    assert.equal((await api(h.emulator, 'GET', '/api/v1/bot/')).status, 200);
  });

  void it('serves every path with and without the trailing slash, and 404s unknown ids', async () => {
    const created = await createBot(h.emulator, { meeting_url: meetingUrl });
    const noSlash = await api<BotJson>(h.emulator, 'POST', '/api/v1/bot', { meeting_url: meetingUrl });
    assert.equal(noSlash.status, 201);
    for (const path of [
      `/api/v1/bot/${created.body.id}`,
      `/api/v1/bot/${created.body.id}/`,
      '/api/v1/bot',
      '/api/v1/bot/',
    ]) {
      assert.equal((await api(h.emulator, 'GET', path)).status, 200, path);
    }
    for (const path of [
      '/api/v1/bot/nope/',
      '/api/v1/recording/nope',
      '/api/v1/transcript/nope/',
      '/api/v1/unknown/',
    ]) {
      const res = await api(h.emulator, 'GET', path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.body, { detail: 'Not found.' });
    }
    assert.equal((await api(h.emulator, 'PATCH', '/api/v1/bot/')).status, 405);
  });

  void it('rejects bad bodies with DRF-style field errors', async () => {
    const missing = await createBot(h.emulator, {});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { meeting_url: ['This field is required.'] });
    const bad = await createBot(h.emulator, {
      meeting_url: 'https://meet.example.com/abc',
      metadata: { long: 'x'.repeat(501) },
    });
    assert.equal(bad.status, 400);
    assert.ok(Array.isArray((bad.body as unknown as Record<string, { long: string[] }>).metadata?.long));
    const url = await createBot(h.emulator, { meeting_url: 'https://meet.example.com/abc' });
    assert.deepEqual(url.body, { meeting_url: ['Invalid meeting url.'] });
    const asyncProvider = await createBot(h.emulator, {
      meeting_url: meetingUrl,
      recording_config: { transcript: { provider: { recallai_async: {} } } },
    });
    assert.equal(asyncProvider.status, 400);
    assert.ok('recording_config' in asyncProvider.body);
    const specific = await createBot(h.emulator, {
      meeting_url: meetingUrl,
      breakout_room: { mode: 'join_specific_room' },
    });
    assert.deepEqual(specific.body, {
      breakout_room: { room_id: ['room_id is required when mode is join_specific_room.'] },
    });
    const raw = await request(`${h.emulator.baseUrl}/api/v1/bot/`, {
      method: 'POST',
      headers: { authorization: API_KEY, 'content-type': 'application/json' },
      body: '{nope',
    });
    assert.equal(raw.statusCode, 400);
    await raw.body.dump();
  });

  void it('lists with metadata and status filters; page_size is not a Recall parameter', async () => {
    const tag = `list-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await createBot(h.emulator, { meeting_url: meetingUrl, metadata: { tag, index: String(i) } });
      ids.push(res.body.id);
    }
    const first = await api<Page>(h.emulator, 'GET', `/api/v1/bot/?metadata__tag=${tag}&page_size=2`);
    assert.equal(first.body.count, 5);
    assert.equal(first.body.previous, null);
    assert.equal(first.body.next, null);
    assert.deepEqual(
      first.body.results.map((b) => b.id),
      ids,
    );
    const one = await api<Page>(h.emulator, 'GET', `/api/v1/bot/?metadata__tag=${tag}&metadata__index=3`);
    assert.deepEqual(
      one.body.results.map((b) => b.id),
      [ids[3]],
    );
    const defaultSize = await api<Page>(h.emulator, 'GET', '/api/v1/bot/');
    assert.ok(defaultSize.body.results.length <= 50);

    await waitForStatus(h.emulator, ids[0]!, 'in_call_recording');
    await api(h.emulator, 'POST', `/api/v1/bot/${ids[0]}/leave_call/`);
    await waitForStatus(h.emulator, ids[0]!, 'done');
    const done = await api<Page>(h.emulator, 'GET', `/api/v1/bot/?metadata__tag=${tag}&status=done&status=fatal`);
    assert.deepEqual(
      done.body.results.map((b) => b.id),
      [ids[0]],
    );
    assert.equal((await api(h.emulator, 'GET', `/api/v1/bot/?metadata__tag=${tag}&page=9`)).status, 404);
  });

  void it('replays an Idempotency-Key response per path and answers 409 while the first is in flight', async () => {
    const key = `idem-${Date.now()}`;
    const first = await createBot(h.emulator, { meeting_url: meetingUrl }, { 'idempotency-key': key });
    const again = await createBot(
      h.emulator,
      { meeting_url: meetingUrl, bot_name: 'other' },
      { 'idempotency-key': key },
    );
    assert.equal(again.status, 201);
    assert.equal(again.body.id, first.body.id);
    assert.equal(h.emulator.audit.bots().filter((b) => b.idempotencyKey === key).length, 1);

    h.emulator.faults.slowResponses(500);
    const slowKey = `${key}-slow`;
    const [a, b] = await Promise.all([
      createBot(h.emulator, { meeting_url: meetingUrl }, { 'idempotency-key': slowKey }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
        createBot(h.emulator, { meeting_url: meetingUrl }, { 'idempotency-key': slowKey }),
      ),
    ]);
    h.emulator.faults.slowResponses(0);
    assert.equal(a.status, 201);
    assert.equal(b.status, 409);
    assert.equal(h.emulator.audit.bots().filter((bot) => bot.idempotencyKey === slowKey).length, 1);
  });

  void it('slowCreates: the bot exists only once its create is handled; a listing meanwhile misses it, other calls are not held', async () => {
    const tag = `slow-create-${Date.now()}`;
    h.emulator.faults.slowCreates(1000);
    const creating = createBot(h.emulator, { meeting_url: meetingUrl, metadata: { tag } });
    await waitFor('the create to reach the emulator', () =>
      h.emulator.audit.faultHits().some((x) => x.fault === 'slow_create'),
    );
    const during = await api<{ results: BotJson[] }>(h.emulator, 'GET', `/api/v1/bot/?metadata__tag=${tag}`);
    const created = await creating;
    h.emulator.faults.slowCreates(0);
    assert.equal(during.status, 200);
    assert.deepEqual(during.body.results, [], 'the listing answered before the bot existed');
    assert.equal(created.status, 201);
    const later = await api<{ results: BotJson[] }>(h.emulator, 'GET', `/api/v1/bot/?metadata__tag=${tag}`);
    assert.deepEqual(
      later.body.results.map((b) => b.id),
      [created.body.id],
    );
  });

  void it('expireIdempotencyKeys: once Recall’s hour has passed, the same key creates a new bot', async () => {
    const key = `expire-${Date.now()}`;
    const first = await createBot(h.emulator, { meeting_url: meetingUrl }, { 'idempotency-key': key });
    h.emulator.faults.expireIdempotencyKeys();
    const later = await createBot(h.emulator, { meeting_url: meetingUrl }, { 'idempotency-key': key });
    assert.equal(later.status, 201);
    assert.notEqual(later.body.id, first.body.id);
    assert.equal(h.emulator.audit.bots().filter((b) => b.idempotencyKey === key).length, 2);
  });

  void it('creates the bot but drops the connection with loseNextCreateResponses; the retry replays it', async () => {
    h.emulator.faults.loseNextCreateResponses(1);
    const key = `lost-${Date.now()}`;
    await assert.rejects(createBot(h.emulator, { meeting_url: meetingUrl }, { 'idempotency-key': key }));
    const retry = await createBot(h.emulator, { meeting_url: meetingUrl }, { 'idempotency-key': key });
    assert.equal(retry.status, 201);
    const bots = h.emulator.audit.bots().filter((b) => b.idempotencyKey === key);
    assert.equal(bots.length, 1);
    assert.equal(bots[0]!.id, retry.body.id);
    assert.ok(h.emulator.audit.requests().some((r) => r.method === 'POST' && r.status === 0));
  });

  void it('fails the next creates with injected statuses and Retry-After', async () => {
    h.emulator.faults.failNextCreates(2, 503, 7);
    const key = `fail-${Date.now()}`;
    const first = await createBot(h.emulator, { meeting_url: meetingUrl }, { 'idempotency-key': key });
    assert.equal(first.status, 503);
    assert.equal(first.headers['retry-after'], '7');
    // A gateway failure is not cached: the same key goes through once the fault is used up.
    assert.equal((await createBot(h.emulator, { meeting_url: meetingUrl }, { 'idempotency-key': key })).status, 503);
    assert.equal((await createBot(h.emulator, { meeting_url: meetingUrl }, { 'idempotency-key': key })).status, 201);
    h.emulator.faults.failNextCreates(1, 429, 3);
    const limited = await createBot(h.emulator, { meeting_url: meetingUrl });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '3');
  });

  void it('deletes a scheduled bot before dispatch (204) but not a dispatched one (405); leave_call on it is 400 unstarted', async () => {
    const joinAt = new Date(h.emulator.now() + 3600_000).toISOString();
    const scheduled = await createBot(h.emulator, { meeting_url: meetingUrl, join_at: joinAt });
    assert.equal(scheduled.status, 201);
    assert.equal(Date.parse(scheduled.body.join_at!), Date.parse(joinAt));
    const leave = await api(h.emulator, 'POST', `/api/v1/bot/${scheduled.body.id}/leave_call/`);
    assert.equal(leave.status, 400);
    assert.equal(leave.body.code, 'cannot_command_unstarted_bot');
    assert.equal((await api(h.emulator, 'DELETE', `/api/v1/bot/${scheduled.body.id}/`)).status, 204);
    assert.equal((await api(h.emulator, 'GET', `/api/v1/bot/${scheduled.body.id}/`)).status, 404);
    assert.ok(h.emulator.audit.bot(scheduled.body.id));

    const adHoc = await createBot(h.emulator, { meeting_url: meetingUrl });
    await waitForStatus(h.emulator, adHoc.body.id, 'joining_call');
    assert.equal((await api(h.emulator, 'DELETE', `/api/v1/bot/${adHoc.body.id}`)).status, 405);
  });
});

void describe('emulator limits', () => {
  void it('dispatches a scheduled bot at join_at on the emulated clock', async () => {
    // A fast clock, so 11 emulated minutes pass in well under a second.
    const h = await harness({ timeScale: 2000 });
    try {
      const meetingUrl = h.emulator.createMeeting(meetingSpec({ durationSeconds: 7200 })).url;
      const joinAt = new Date(h.emulator.now() + 11 * 60_000).toISOString();
      const scheduled = await createBot(h.emulator, { meeting_url: meetingUrl, join_at: joinAt });
      const bot = await waitForStatus(h.emulator, scheduled.body.id, 'joining_call');
      assert.ok(Date.parse(bot.status_changes[0]!.created_at) >= Date.parse(joinAt));
      assert.equal(bot.join_at, null);
    } finally {
      await h.close();
    }
  });
  void it('rate-limits creates with 429 and Retry-After', async () => {
    const h = await harness({ rateLimits: { create: 3 } });
    try {
      const url = h.emulator.createMeeting(meetingSpec()).url;
      const statuses: number[] = [];
      let retryAfter: string | undefined;
      for (let i = 0; i < 5; i++) {
        const res = await createBot(h.emulator, { meeting_url: url });
        statuses.push(res.status);
        if (res.status === 429) retryAfter = String(res.headers['retry-after']);
      }
      assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
      assert.ok(Number(retryAfter) >= 1);
      // Other endpoints have their own bucket.
      assert.equal((await api(h.emulator, 'GET', '/api/v1/bot/')).status, 200);
    } finally {
      await h.close();
    }
  });

  void it('answers 507 when the ad-hoc pool is empty, never for scheduled bots, and refills', async () => {
    const h = await harness({ adHocPoolSize: 1 });
    try {
      const url = h.emulator.createMeeting(meetingSpec()).url;
      assert.equal((await createBot(h.emulator, { meeting_url: url })).status, 201);
      const key = `pool-${Date.now()}`;
      const empty = await createBot(h.emulator, { meeting_url: url }, { 'idempotency-key': key });
      assert.equal(empty.status, 507);
      const soon = new Date(h.emulator.now() + 5 * 60_000).toISOString();
      assert.equal((await createBot(h.emulator, { meeting_url: url, join_at: soon })).status, 507);
      const later = new Date(h.emulator.now() + 20 * 60_000).toISOString();
      assert.equal((await createBot(h.emulator, { meeting_url: url, join_at: later })).status, 201);
      // The pool refills; a 507 stays cached under its key, a new key gets a bot.
      await waitFor('pool refill', async () =>
        (await createBot(h.emulator, { meeting_url: url })).status === 201 ? true : undefined,
      );
      assert.equal((await createBot(h.emulator, { meeting_url: url }, { 'idempotency-key': key })).status, 507);
    } finally {
      await h.close();
    }
  });
});
