import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, type BotJson, createBot, type Harness, harness, meetingSpec, waitForStatus } from './helpers';

interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: BotJson[];
}

/** Follows `next` verbatim, as Recall's own samples do, collecting every page. */
async function allPages(h: Harness, path: string): Promise<{ pages: Page[]; ids: string[] }> {
  const pages: Page[] = [];
  let url: string | null = `${h.emulator.baseUrl}${path}`;
  while (url) {
    assert.ok(url.startsWith(`${h.emulator.baseUrl}/api/v1/bot/`), url);
    const page: Page = (await api<Page>(h.emulator, 'GET', url.slice(h.emulator.baseUrl.length))).body;
    pages.push(page);
    url = page.next;
  }
  return { pages, ids: pages.flatMap((p) => p.results.map((b) => b.id)) };
}

void describe('emulator List Bots', () => {
  let h: Harness;
  let meetingUrl: string;
  const wanted: string[] = [];
  const joinAts: number[] = [];
  before(async () => {
    h = await harness();
    meetingUrl = h.emulator.createMeeting(meetingSpec({ durationSeconds: 36_000 })).url;
    // Scheduled bots (an hour ahead and more) stay cheap: nothing runs until their join_at.
    for (let i = 0; i < 120; i++) {
      const joinAt = h.emulator.now() + 3600_000 + i * 60_000;
      const res = await createBot(h.emulator, {
        meeting_url: meetingUrl,
        join_at: new Date(joinAt).toISOString(),
        metadata: { workflowId: 'wf-1', room: i % 2 === 0 ? 'even' : 'odd' },
      });
      if (i % 2 === 0) {
        wanted.push(res.body.id);
        joinAts.push(joinAt);
      }
    }
    for (let i = 0; i < 60; i++) {
      await createBot(h.emulator, {
        meeting_url: meetingUrl,
        join_at: new Date(h.emulator.now() + 7200_000).toISOString(),
        metadata: { workflowId: 'wf-2', room: 'even' },
      });
    }
  });
  after(() => h.close());

  void it('pages 50 at a time, DRF style, with next and previous as full URLs to follow verbatim', async () => {
    const { pages, ids } = await allPages(h, '/api/v1/bot/');
    assert.deepEqual(
      pages.map((p) => p.results.length),
      [50, 50, 50, 30],
    );
    assert.ok(pages.every((p) => p.count === 180));
    assert.equal(new Set(ids).size, 180);
    assert.equal(pages[0]!.previous, null);
    assert.equal(pages[1]!.previous, `${h.emulator.baseUrl}/api/v1/bot/`);
    assert.equal(pages[2]!.previous, `${h.emulator.baseUrl}/api/v1/bot/?page=2`);
    assert.equal(pages[3]!.next, null);
    const beyond = await api(h.emulator, 'GET', '/api/v1/bot/?page=5');
    assert.equal(beyond.status, 404);
    assert.equal(beyond.body.detail, 'Invalid page.');
  });

  void it('filters on every metadata__KEY=VALUE pair at once, across pages', async () => {
    const { pages, ids } = await allPages(h, '/api/v1/bot/?metadata__workflowId=wf-1&metadata__room=even');
    assert.deepEqual(ids, wanted);
    assert.equal(pages.length, 2);
    assert.ok(pages[0]!.next!.includes('metadata__workflowId=wf-1') && pages[0]!.next!.includes('metadata__room=even'));
    const none = await api<Page>(h.emulator, 'GET', '/api/v1/bot/?metadata__workflowId=wf-1&metadata__room=nope');
    assert.equal(none.body.count, 0);
    assert.deepEqual(none.body.results, []);
  });

  void it('filters on join_at_after/join_at_before (inclusive), platform, meeting_url and status', async () => {
    const from = new Date(joinAts[10]!).toISOString();
    const to = new Date(joinAts[19]!).toISOString();
    const window = await allPages(
      h,
      `/api/v1/bot/?metadata__room=even&metadata__workflowId=wf-1&join_at_after=${from}&join_at_before=${to}`,
    );
    assert.deepEqual(window.ids, wanted.slice(10, 20));
    assert.equal((await api<Page>(h.emulator, 'GET', '/api/v1/bot/?platform=zoom')).body.count, 180);
    assert.equal((await api<Page>(h.emulator, 'GET', '/api/v1/bot/?platform=google_meet')).body.count, 0);
    const byUrl = await api<Page>(h.emulator, 'GET', `/api/v1/bot/?meeting_url=${encodeURIComponent(meetingUrl)}`);
    assert.equal(byUrl.body.count, 180);
    // Scheduled bots not yet dispatched count as `ready`.
    assert.equal((await api<Page>(h.emulator, 'GET', '/api/v1/bot/?status=ready')).body.count, 180);
    assert.equal((await api<Page>(h.emulator, 'GET', '/api/v1/bot/?status=done&status=fatal')).body.count, 0);

    const bad = await api(h.emulator, 'GET', '/api/v1/bot/?status=finished&platform=skype');
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(bad.body).sort(), ['platform', 'status']);
    assert.equal((await api(h.emulator, 'GET', '/api/v1/bot/?join_at_after=yesterday')).status, 400);
  });

  void it('ignores parameters Recall does not document, such as page_size', async () => {
    const page = await api<Page>(h.emulator, 'GET', '/api/v1/bot/?page_size=2');
    assert.equal(page.body.results.length, 50);
  });

  void it('lists a bot that is live under its current status', async () => {
    const live = await createBot(h.emulator, { meeting_url: meetingUrl, metadata: { workflowId: 'wf-3' } });
    await waitForStatus(h.emulator, live.body.id, 'in_call_recording');
    const page = await api<Page>(h.emulator, 'GET', '/api/v1/bot/?metadata__workflowId=wf-3&status=in_call_recording');
    assert.deepEqual(
      page.body.results.map((b) => b.id),
      [live.body.id],
    );
  });
});
