import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { endMeetingSignal } from '../../src/contracts/messages';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

function createRequests() {
  return stack.emulator.audit.requests().filter((r) => r.method === 'POST' && /^\/api\/v1\/bot\/?$/.test(r.path));
}

function listRequests() {
  return stack.emulator.audit.requests().filter((r) => r.method === 'GET' && /^\/api\/v1\/bot\/?$/.test(r.path));
}

test('a create whose response is lost: the retry finds the bot (listing or idempotency key), no second bot', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 240, breakoutRooms: [roomSpec(1)] });
  const creates = createRequests().length;
  const lists = listRequests().length;
  stack.emulator.faults.loseNextCreateResponses(1);
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 }, 'lost-create');
  const result = await handle.result();
  assert.equal(result.rooms[0]?.outcome, 'recorded');
  const roomId = `${handle.workflowId}/room/room-1`;
  const bots = stack.emulator.audit.bots().filter((b) => b.metadata.workflowId === roomId);
  assert.equal(bots.length, 1, 'exactly one bot');
  assert.equal(result.rooms[0]?.bots[0]?.id, bots[0]?.id, 'the room follows the bot whose answer was lost');
  const [room, , sequence] = (bots[0]?.idempotencyKey ?? '').split('#');
  assert.deepEqual([room, sequence], [roomId, '1'], 'keyed by room, first run and sequence');
  assert.ok(
    createRequests().length - creates >= 2 || listRequests().length - lists >= 2,
    'the create was retried: a second create with the same key, or a fresh listing that found the bot',
  );
});

test('429, 507 and 5xx bursts on create: every room recorded, no duplicate bot', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 400,
    breakoutRooms: [1, 2, 3].map((n) => roomSpec(n)),
  });
  stack.emulator.faults.failNextCreates(3, 429, 1);
  stack.emulator.faults.failNextCreates(2, 507);
  stack.emulator.faults.failNextCreates(2, 503);
  stack.emulator.faults.failNextCreates(1, 500);
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 3 }, 'create-bursts');
  const result = await handle.result();
  assert.deepEqual(
    result.rooms.map((r) => [r.key, r.outcome, r.bots.length]),
    [1, 2, 3].map((n) => [`room-${n}`, 'recorded', 1]),
  );
  const requests = stack.emulator.audit
    .requests()
    .filter((r) => r.method === 'POST' && /^\/api\/v1\/bot\/?$/.test(r.path));
  for (const status of [429, 507, 503, 500]) {
    assert.ok(
      requests.some((r) => r.status === status),
      `a ${status} was answered`,
    );
  }
  for (const n of [1, 2, 3]) {
    const bots = stack.emulator.audit
      .bots()
      .filter((b) => b.metadata.workflowId === `${handle.workflowId}/room/room-${n}`);
    assert.equal(bots.length, 1, `room-${n} has one bot`);
  }
});

/**
 * A create whose answer is lost, its bot records and crashes before the room hears of it, and the
 * retry can get it back neither by the listing (Recall answers slowly: the bot has crashed by then,
 * so it is not live) nor by the key (its hour has passed). `stopWhileCreating`: every retry fails, and
 * the room is told to stop while it is still creating.
 */
async function lostCreateThenCrash(name: string, stopWhileCreating: boolean) {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 400, breakoutRooms: [roomSpec(1)] });
  const roomId = `meeting/${name}/room/room-1`;
  stack.emulator.faults.loseNextCreateResponses(1);
  stack.emulator.faults.botFatal({ metadata: { workflowId: roomId }, count: 1 }, 'bot_errored', 'in_call_recording');
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 }, name);
  const lost = await waitFor('the bot whose create answer is lost', () =>
    stack.emulator.audit.bots().find((b) => b.metadata.workflowId === roomId),
  );
  stack.emulator.faults.slowResponses(4000);
  stack.emulator.faults.expireIdempotencyKeys();
  if (stopWhileCreating) stack.emulator.faults.failNextCreates(100, 503);
  await waitFor('the bot to record and crash', () =>
    stack.emulator.audit.bots().find((b) => b.id === lost.id && b.statuses.some((s) => s.code === 'fatal')),
  );
  if (stopWhileCreating) {
    await waitFor('a retried create to fail', () => createRequests().some((r) => r.status === 503));
    await handle.signal(endMeetingSignal, { reason: 'workshop over' });
  }
  stack.emulator.faults.slowResponses(0);
  const result = await handle.result();
  stack.emulator.faults.reset();
  const room = result.rooms[0];
  assert.equal(room?.bots[0]?.id, lost.id, 'the room follows the bot it never got an answer for');
  assert.ok(
    room?.artifacts.some((a) => a.kind === 'video' && a.botId === lost.id),
    `its recording is collected: ${JSON.stringify(room?.artifacts.map((a) => a.kind))}, ${room?.outcome}: ${room?.reason}`,
  );
  return { room, bots: stack.emulator.audit.bots().filter((b) => b.metadata.workflowId === roomId) };
}

test('a lost create answer whose bot crashes before the retry: the retry adopts it, the room replaces it and collects both', async () => {
  const { room, bots } = await lostCreateThenCrash('lost-create-crashed', false);
  assert.equal(bots.length, 2, 'the crashed bot and its replacement');
  assert.deepEqual(
    room?.bots.map((b) => b.id),
    bots.map((b) => b.id),
  );
  assert.ok(room?.outcome === 'recorded' || room?.outcome === 'partial', `${room?.outcome}: ${room?.reason}`);
});

test('a lost create answer whose bot crashes, then the room stops while still creating: it adopts and collects the bot', async () => {
  const { room, bots } = await lostCreateThenCrash('lost-create-crashed-stopped', true);
  assert.deepEqual(
    room?.bots.map((b) => b.id),
    bots.map((b) => b.id),
  );
  assert.equal(bots.length, 1, 'no second bot');
});
