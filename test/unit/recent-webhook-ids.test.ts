/** The receiver's memory of signalled webhook-ids: at least Recall's 5-minute window, and bounded. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_WEBHOOK_ID_TTL_MS, RecentWebhookIds } from '../../src/webhooks/recent-webhook-ids';

test('remembers an id for longer than the 5-minute signature window, then forgets it', () => {
  let now = 0;
  const ids = new RecentWebhookIds({ now: () => now });
  assert.ok(DEFAULT_WEBHOOK_ID_TTL_MS >= 5 * 60_000);
  ids.remember('msg_1');
  now = 5 * 60_000 + 1;
  assert.equal(ids.has('msg_1'), true);
  now = DEFAULT_WEBHOOK_ID_TTL_MS;
  assert.equal(ids.has('msg_1'), false);
  assert.equal(ids.size, 0);
});

test('holds at most its capacity, dropping the oldest first', () => {
  const ids = new RecentWebhookIds({ capacity: 3 });
  for (const id of ['a', 'b', 'c', 'd']) ids.remember(id);
  assert.equal(ids.size, 3);
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((id) => ids.has(id)),
    [false, true, true, true],
  );
});

test('concurrent deliveries of one id run the signal once; a failed signal lets the next one try', async () => {
  const ids = new RecentWebhookIds();
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const signal = async () => {
    calls++;
    await gate;
    ids.remember('msg_1');
    return 'ok' as const;
  };
  const results = Promise.all([ids.once('msg_1', signal), ids.once('msg_1', signal), ids.once('msg_1', signal)]);
  release();
  assert.deepEqual(await results, ['ok', 'duplicate', 'duplicate']);
  assert.equal(calls, 1);

  await assert.rejects(ids.once('msg_2', () => Promise.reject(new Error('unavailable'))));
  assert.equal(await ids.once('msg_2', () => Promise.resolve('retried')), 'retried');
});
