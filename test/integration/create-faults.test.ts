import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { roomSpec, startStack, type Stack } from '../support/stack';

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
