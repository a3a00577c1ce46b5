import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

function botsOf(workflowId: string) {
  return stack.emulator.audit.bots().filter((b) => b.metadata.workflowId === workflowId);
}

test('the first two bots of a room fail meeting_not_started; the third records', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 300, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 });
  stack.emulator.faults.botFatal(
    { metadata: { workflowId: `${handle.workflowId}/room/room-2` }, count: 2 },
    'meeting_not_started',
    'joining_call',
  );
  const result = await handle.result();
  const room2 = result.rooms.find((r) => r.key === 'room-2');
  assert.equal(room2?.outcome, 'recorded');
  assert.deepEqual(
    room2?.bots.map((b) => [b.attempt, b.status, b.subCode]),
    [
      [1, 'fatal', 'meeting_not_started'],
      [2, 'fatal', 'meeting_not_started'],
      [3, 'done', 'call_ended_by_host'],
    ],
  );
  assert.equal(result.rooms.find((r) => r.key === 'room-1')?.outcome, 'recorded');
  assert.equal(botsOf(`${handle.workflowId}/room/room-2`).length, 3);
});

test('meeting_password_incorrect fails that room with the reason and no further bots', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 300, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 });
  const roomId = `${handle.workflowId}/room/room-1`;
  stack.emulator.faults.botFatal({ metadata: { workflowId: roomId } }, 'meeting_password_incorrect', 'joining_call');
  const result = await handle.result();
  const room1 = result.rooms.find((r) => r.key === 'room-1');
  assert.equal(room1?.outcome, 'failed');
  assert.match(room1?.reason ?? '', /meeting_password_incorrect/);
  assert.equal(botsOf(roomId).length, 1, 'no bot after a final failure');
  assert.equal(result.rooms.find((r) => r.key === 'room-2')?.outcome, 'recorded');
});

test('a waiting room that never admits: bounded retries, then failed with the reason', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 600,
    waitingRoom: 'never_admit',
    breakoutRooms: [roomSpec(1)],
  });
  const handle = await stack.startMeeting({
    meetingUrl: meeting.url,
    roomCount: 1,
    policy: { maxBotsPerRoom: 3, waitingRoomTimeoutSeconds: 10 },
  });
  const result = await handle.result();
  const room = result.rooms[0];
  assert.equal(room?.outcome, 'failed');
  assert.match(room?.reason ?? '', /gave up after 3 bots: call_ended timeout_exceeded_waiting_room/);
  assert.equal(botsOf(`${handle.workflowId}/room/room-1`).length, 3);
});

test('a bot fatal mid-recording is replaced; both bots are collected; the room is partial with the gap', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 400, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 });
  const roomId = `${handle.workflowId}/room/room-1`;
  const first = await waitFor('the first bot to record for a while', () => {
    const bot = botsOf(roomId)[0];
    const recording = bot?.statuses.find((s) => s.code === 'in_call_recording');
    return bot && recording && Date.now() - recording.at > 1500 ? bot : undefined;
  });
  stack.emulator.faults.crashBot(first.id, 'bot_errored');
  const result = await handle.result();
  const room = result.rooms[0];
  assert.equal(room?.outcome, 'partial');
  assert.equal(room?.bots.length, 2);
  assert.deepEqual(
    room?.bots.map((b) => b.status),
    ['fatal', 'done'],
  );
  const botsWithVideo = new Set(room?.artifacts.filter((a) => a.kind === 'video').map((a) => a.botId));
  assert.deepEqual([...botsWithVideo].sort(), room?.bots.map((b) => b.id).sort(), 'media of both bots is collected');
  assert.equal(room?.gaps.length, 1);
  const gap = room?.gaps[0];
  assert.ok(gap?.from && gap.to && Date.parse(gap.to) >= Date.parse(gap.from), JSON.stringify(gap));
  // The replacement asked for the room its predecessor was in.
  assert.equal(room?.bots[1]?.breakoutRoom?.name, 'Room 1');
});
