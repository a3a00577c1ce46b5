import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { roomSpec, startStack, type Stack } from '../support/stack';

let stack: Stack;
before(async () => {
  // The emulated clock runs fast, so a bot scheduled 15 minutes ahead joins within seconds; the
  // ad-hoc pool is empty, so any bot created without a schedule would get 507.
  stack = await startStack({ emulator: { timeScale: 120, adHocPoolSize: 0 } });
});
after(async () => {
  await stack?.close();
});

test('a meeting with joinAt ahead creates scheduled bots, which never meet a 507', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 3600, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  // join_at is read on the emulator's (fast) clock, like Recall reads it on its own.
  const joinAt = new Date(stack.emulator.now() + 30 * 60_000).toISOString();
  const handle = await stack.startMeeting({
    meetingUrl: meeting.url,
    roomCount: 2,
    joinAt,
    policy: { poolExhaustedGiveUpSeconds: 10 },
  });
  const result = await handle.result();
  assert.deepEqual(
    result.rooms.map((r) => [r.outcome, r.bots.length]),
    [
      ['recorded', 1],
      ['recorded', 1],
    ],
  );
  const bots = stack.emulator.audit.bots().filter((b) => b.metadata.meetingWorkflowId === handle.workflowId);
  assert.deepEqual(
    bots.map((b) => b.joinAt && Date.parse(b.joinAt)),
    bots.map(() => Date.parse(joinAt)),
  );
  const creates = stack.emulator.audit
    .requests()
    .filter((r) => r.method === 'POST' && /^\/api\/v1\/bot\/?$/.test(r.path));
  assert.deepEqual(
    creates.map((r) => r.status),
    [201, 201],
  );
});
