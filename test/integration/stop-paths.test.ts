/**
 * Every way a room stops leaves no bot behind: a meeting cancelled while its bots are being created,
 * a leave that Recall refuses for a while, a leave answered "not started" for a bot already dispatched.
 * Each check reads the emulator's audit while the emulated meeting is still running, so a bot that
 * stays is seen as live, not hidden by the meeting's end.
 */
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
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

function botsOfMeeting(meetingWorkflowId: string) {
  return stack.emulator.audit.bots().filter((b) => b.metadata.meetingWorkflowId === meetingWorkflowId);
}

function botsOf(roomWorkflowId: string) {
  return stack.emulator.audit.bots().filter((b) => b.metadata.workflowId === roomWorkflowId);
}

/** One room whose bot records, in a long meeting, with a short leave timeout (the room asks again soon). */
async function recordingRoom() {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 6000, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({
    meetingUrl: meeting.url,
    roomCount: 1,
    policy: { leaveTimeoutSeconds: 3 },
  });
  const roomId = `${handle.workflowId}/room/room-1`;
  await waitFor('the bot to record', () => botsOf(roomId)[0]?.statuses.some((s) => s.code === 'in_call_recording'));
  return { meeting, handle, roomId };
}

function hasEnded(bot: { statuses: { code: string }[] }): boolean {
  const last = bot.statuses.at(-1)?.code;
  return last === 'done' || last === 'fatal';
}

test('a meeting cancelled while its bots are being created: every bot leaves, the meeting reports and writes its manifest', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 6000,
    breakoutRooms: [roomSpec(1), roomSpec(2), roomSpec(3)],
  });
  // Slow answers keep creates in flight when the cancellation lands.
  stack.emulator.faults.slowResponses(1500);
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 3 });
  await waitFor('the first create request to reach Recall', () => botsOfMeeting(handle.workflowId).length > 0);
  await handle.cancel();
  const result = await handle.result();
  stack.emulator.faults.slowResponses(0);

  assert.deepEqual(result.rooms.map((r) => r.key).sort(), ['room-1', 'room-2', 'room-3']);
  for (const room of result.rooms) {
    assert.ok(
      ['cancelled', 'recorded', 'partial'].includes(room.outcome),
      `${room.key}: ${room.outcome} ${room.reason}`,
    );
    assert.match(room.reason, /meeting cancelled|cancelled/);
  }
  await access(fileURLToPath(result.manifestUri));
  const bots = botsOfMeeting(handle.workflowId);
  assert.ok(bots.length > 0);
  for (const bot of bots)
    assert.ok(hasEnded(bot), `bot ${bot.id} of ${bot.metadata.roomKey} is still ${bot.statuses.at(-1)?.code}`);
  for (const room of result.rooms) {
    assert.deepEqual(
      room.bots.map((b) => b.id).sort(),
      botsOf(room.workflowId)
        .map((b) => b.id)
        .sort(),
      'the room reports every bot Recall made for it',
    );
  }
  meeting.end();
});

test('a room stopped while Recall is still handling its create: the bot the create returns is followed out, never left billing', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 6000, breakoutRooms: [roomSpec(1)] });
  // The create is held at Recall, so a listing taken after the stop cannot find its bot yet.
  stack.emulator.faults.slowCreates(3000);
  const since = Date.now();
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 });
  const roomId = `${handle.workflowId}/room/room-1`;
  await waitFor('the create to reach Recall', () =>
    stack.emulator.audit.faultHits().some((h) => h.fault === 'slow_create' && h.at >= since),
  );
  await handle.signal(endMeetingSignal, { reason: 'workshop over' });
  const result = await handle.result();
  stack.emulator.faults.slowCreates(0);

  // The create reached Recall, so its bot comes to exist (at once, unless the room forgot it).
  const bots = await waitFor('the held create to make its bot', () => {
    const made = botsOf(roomId);
    return made.length > 0 ? made : undefined;
  });
  assert.equal(bots.length, 1);
  assert.ok(hasEnded(bots[0]!), `the bot is still ${bots[0]?.statuses.at(-1)?.code}`);
  assert.deepEqual(
    result.rooms[0]?.bots.map((b) => b.id),
    [bots[0]?.id],
    'the room knows the bot it created',
  );
  meeting.end();
});

test('a create held at Recall and then refused after the room stopped is not tried again: the room ends with no bot', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 6000, breakoutRooms: [roomSpec(1)] });
  stack.emulator.faults.slowCreates(3000);
  stack.emulator.faults.failNextCreates(5, 503);
  const since = Date.now();
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 });
  await waitFor('the create to reach Recall', () =>
    stack.emulator.audit.faultHits().some((h) => h.fault === 'slow_create' && h.at >= since),
  );
  await handle.signal(endMeetingSignal, { reason: 'workshop over' });
  const result = await handle.result();
  stack.emulator.faults.reset();

  const creates = stack.emulator.audit
    .requests()
    .filter((r) => r.method === 'POST' && /^\/api\/v1\/bot\/?$/.test(r.path) && r.at >= since);
  assert.deepEqual(
    creates.map((r) => r.status),
    [503],
  );
  assert.equal(result.rooms[0]?.outcome, 'cancelled', result.rooms[0]?.reason);
  assert.deepEqual(result.rooms[0]?.bots, []);
  meeting.end();
});

test('a leave that Recall refuses for a while is asked again until the bot is gone', async () => {
  const { meeting, handle, roomId } = await recordingRoom();
  stack.emulator.faults.failLeave({ metadata: { workflowId: roomId }, count: 12 }, { status: 503 });
  await handle.signal(endMeetingSignal, { reason: 'workshop over' });
  const result = await handle.result();

  const [bot] = botsOf(roomId);
  assert.ok(bot && hasEnded(bot), `the bot is still ${bot?.statuses.at(-1)?.code} after its room completed`);
  assert.equal(bot.statuses.find((s) => s.code === 'call_ended')?.subCode, 'bot_received_leave_call');
  const refused = stack.emulator.audit.faultHits().filter((h) => h.botId === bot.id && /leave/.test(h.fault));
  assert.equal(refused.length, 12, 'every refusal was met by another request');
  assert.equal(result.rooms[0]?.outcome, 'recorded', result.rooms[0]?.reason);
  meeting.end();
});

test('a leave answered "not started" for a dispatched bot: the delete is refused (405), the bot is asked again and leaves', async () => {
  const { meeting, handle, roomId } = await recordingRoom();
  stack.emulator.faults.failLeave(
    { metadata: { workflowId: roomId }, count: 1 },
    { code: 'cannot_command_unstarted_bot' },
  );
  await handle.signal(endMeetingSignal, { reason: 'workshop over' });
  const result = await handle.result();

  const [bot] = botsOf(roomId);
  assert.ok(bot && hasEnded(bot), `the bot is still ${bot?.statuses.at(-1)?.code} after its room completed`);
  assert.equal(
    bot.statuses.find((s) => s.code === 'call_ended')?.subCode,
    'bot_received_leave_call',
    'the room made it leave; the meeting did not end it',
  );
  const deletes = stack.emulator.audit.requests().filter((r) => r.method === 'DELETE' && r.path.includes(bot.id));
  assert.deepEqual(
    deletes.map((r) => r.status),
    [405],
    'the dispatched bot could not be deleted',
  );
  assert.equal(result.rooms[0]?.outcome, 'recorded', result.rooms[0]?.reason);
  meeting.end();
});
