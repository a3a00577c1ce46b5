/**
 * The wait before endMeeting for the create faults armed with a crash (chaos seed 3 at ef72616: the
 * meetings ended while the replacement's create was in its retry backoff after the 503, so the lost
 * response met no create). Driven by a crafted audit: the wait ends when the faults are met, when no
 * crashed room awaits a replacement, or at its bound.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awaitReplacementCreates, roomAwaitingReplacement } from '../../bench/chaos/replacement';
import type { AuditBot, AuditLog } from '../../src/emulator';

const ROOM = 'meeting/m/room/room-1';
const CRASHED_AT = 5000;

function bot(id: string, createdAt: number): AuditBot {
  return {
    id,
    botName: 'BreakoutBot-1',
    meetingId: '1',
    metadata: { workflowId: ROOM },
    createdAt,
    statuses: [],
    rooms: [],
    recordings: [],
    spokenWords: [],
  };
}

function audit(bots: AuditBot[]): AuditLog {
  return {
    bots: () => bots,
    bot: (id) => bots.find((b) => b.id === id),
    webhookDeliveries: () => [],
    requests: () => [],
    faultHits: () => [],
    chatMessages: () => [],
  };
}

const crashed = new Map([[ROOM, CRASHED_AT]]);
const open = () => Promise.resolve(true);

test('a crashed room awaits its replacement until a bot of it is created after the crash, or its run closes', async () => {
  assert.equal(await roomAwaitingReplacement(audit([bot('old', 1000)]), crashed, open), ROOM);
  assert.equal(await roomAwaitingReplacement(audit([bot('old', 1000), bot('new', 6000)]), crashed, open), undefined);
  assert.equal(
    await roomAwaitingReplacement(audit([bot('old', 1000)]), crashed, () => Promise.resolve(false)),
    undefined,
  );
});

test('the end waits while a fault is unmet and the crashed room awaits its replacement, until the fault strikes', async () => {
  // The replacement's retried create meets the lost response on the third look.
  let looks = 0;
  const result = await awaitReplacementCreates({
    audit: audit([bot('old', 1000)]),
    crashedRooms: crashed,
    isOpen: open,
    unmet: () => (++looks >= 3 ? 0 : 1),
    boundMs: 60_000,
    pollMs: 1,
  });
  assert.equal(result.end, 'met');
});

test('the end does not wait when no crashed room awaits a replacement, and waits no longer than its bound', async () => {
  const replaced = await awaitReplacementCreates({
    audit: audit([bot('old', 1000), bot('new', 6000)]),
    crashedRooms: crashed,
    isOpen: open,
    unmet: () => 1,
    boundMs: 60_000,
    pollMs: 1,
  });
  assert.deepEqual(replaced, { end: 'no-room-awaits', unmet: 1 });

  const nothingUnmet = await awaitReplacementCreates({
    audit: audit([bot('old', 1000)]),
    crashedRooms: crashed,
    isOpen: open,
    unmet: () => 0,
    boundMs: 60_000,
    pollMs: 1,
  });
  assert.deepEqual(nothingUnmet, { end: 'nothing-unmet' });

  const never = await awaitReplacementCreates({
    audit: audit([bot('old', 1000)]),
    crashedRooms: crashed,
    isOpen: open,
    unmet: () => 1,
    boundMs: 20,
    pollMs: 1,
  });
  assert.deepEqual(never, { end: 'bound', unmet: 1, room: ROOM });
});

test('a room that closes while its faults wait ends the wait, and the faults stay unmet', async () => {
  let looks = 0;
  const result = await awaitReplacementCreates({
    audit: audit([bot('old', 1000)]),
    crashedRooms: crashed,
    isOpen: () => Promise.resolve(++looks < 3),
    unmet: () => 1,
    boundMs: 60_000,
    pollMs: 1,
  });
  assert.equal(result.end, 'room-stopped');
});
