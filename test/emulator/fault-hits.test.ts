import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { api, createBot, type Harness, harness, meetingSpec, waitFor, waitForStatus } from './helpers';

/** A chaos run confirms from these that each scheduled fault actually struck. */
void describe('emulator audit: fault hits of the older faults', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());
  const hits = (fault: string) => h.emulator.audit.faultHits().filter((x) => x.fault === fault);

  void it('records injected create failures and lost create responses, with the bot created', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    h.emulator.faults.failNextCreates(1, 503);
    h.emulator.faults.failNextCreates(1, 429, 3);
    assert.equal((await createBot(h.emulator, { meeting_url: meeting.url })).status, 503);
    assert.equal((await createBot(h.emulator, { meeting_url: meeting.url })).status, 429);
    assert.deepEqual(
      hits('create_failure').map((x) => x.detail),
      ['503', '429'],
    );
    h.emulator.faults.loseNextCreateResponses(1);
    await assert.rejects(createBot(h.emulator, { meeting_url: meeting.url }, { 'idempotency-key': 'lost-1' }));
    const replay = await createBot(h.emulator, { meeting_url: meeting.url }, { 'idempotency-key': 'lost-1' });
    assert.equal(replay.status, 201);
    assert.deepEqual(
      hits('lost_create_response').map((x) => x.botId),
      [replay.body.id],
    );
  });

  void it('records bot fatals when they strike, kicks and crashes only when they take effect', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    h.emulator.faults.botFatal({ botName: 'doomed', count: 1 }, 'zoom_internal_error', 'in_call_not_recording');
    const doomed = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'doomed' });
    await waitForStatus(h.emulator, doomed.body.id, 'fatal');
    assert.deepEqual(
      hits('bot_fatal').map((x) => [x.botId, x.detail]),
      [[doomed.body.id, 'zoom_internal_error at in_call_not_recording']],
    );
    const kicked = await createBot(h.emulator, { meeting_url: meeting.url });
    const crashed = await createBot(h.emulator, { meeting_url: meeting.url });
    await waitForStatus(h.emulator, kicked.body.id, 'in_call_recording');
    await waitForStatus(h.emulator, crashed.body.id, 'in_call_recording');
    h.emulator.faults.kickBot(kicked.body.id);
    h.emulator.faults.crashBot(crashed.body.id);
    await waitForStatus(h.emulator, kicked.body.id, 'done');
    // Too late: the bot is already done, so nothing strikes.
    h.emulator.faults.crashBot(kicked.body.id);
    assert.deepEqual(
      hits('kick').map((x) => [x.botId, x.detail]),
      [[kicked.body.id, 'bot_kicked_from_call']],
    );
    assert.deepEqual(
      hits('crash').map((x) => [x.botId, x.detail]),
      [[crashed.body.id, 'bot_errored']],
    );
  });

  void it('records webhook drop, duplicate and reorder decisions, and slow responses', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    h.emulator.faults.webhooks({ drop: 0.3, duplicate: 0.3, reorder: 0.3 });
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url });
    await waitForStatus(h.emulator, body.id, 'in_call_recording');
    meeting.end();
    await waitForStatus(h.emulator, body.id, 'done');
    await waitFor('the media events', () =>
      h.emulator.audit.webhookDeliveries().some((d) => d.botId === body.id && d.event === 'recording.done'),
    );
    h.emulator.faults.reset();
    const mine = h.emulator.audit.faultHits().filter((x) => x.botId === body.id);
    const dropped = h.emulator.audit
      .webhookDeliveries()
      .filter((d) => d.botId === body.id && d.status === 'dropped')
      .map((d) => d.eventId);
    assert.deepEqual(
      mine.filter((x) => x.fault === 'webhook_drop').map((x) => x.detail!.split(' ')[1]),
      dropped,
    );
    assert.ok(mine.some((x) => x.fault === 'webhook_duplicate'));
    assert.ok(mine.some((x) => x.fault === 'webhook_reorder'));

    h.emulator.faults.slowResponses(50);
    await api(h.emulator, 'GET', `/api/v1/bot/${body.id}/`);
    h.emulator.faults.slowResponses(0);
    assert.equal(hits('slow_response').at(-1)?.detail, `GET /api/v1/bot/${body.id}/ 50 ms`);
  });

  void it('serves the hits over HTTP', async () => {
    const res = await request(`${h.emulator.baseUrl}/_emulator/audit/fault-hits`);
    const body = (await res.body.json()) as { fault: string; at: number }[];
    assert.equal(body.length, h.emulator.audit.faultHits().length);
    assert.ok(body.every((x) => typeof x.fault === 'string' && typeof x.at === 'number'));
  });
});
