import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { addRoomUpdate, endMeetingSignal, roomStatusQuery } from '../../src/contracts/messages';
import { meetingWorkflow, type roomWorkflow } from '../../workflows';
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

async function waitUntilRecording(roomWorkflowId: string): Promise<void> {
  await waitFor(`${roomWorkflowId} to record`, async () => {
    try {
      const status = await stack.temporal.client.workflow.getHandle(roomWorkflowId).query(roomStatusQuery);
      return status.state === 'recording';
    } catch {
      return false;
    }
  });
}

test('endMeeting mid-way: every bot leaves, artifacts are collected', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 3600, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 }, 'end-midway');
  await waitUntilRecording(`${handle.workflowId}/room/room-1`);
  await waitUntilRecording(`${handle.workflowId}/room/room-2`);
  await handle.signal(endMeetingSignal, { reason: 'facilitator ended the session' });
  const result = await handle.result();
  for (const room of result.rooms) {
    assert.equal(room.outcome, 'recorded', room.reason);
    assert.match(room.reason, /facilitator ended the session/);
    assert.ok(room.artifacts.some((a) => a.kind === 'video'));
    const [bot] = botsOf(room.workflowId);
    assert.ok(bot?.liveUntil, 'the bot is no longer live');
    assert.deepEqual(bot.statuses.find((s) => s.code === 'call_ended')?.subCode, 'bot_received_leave_call');
    assert.equal(bot.statuses.at(-1)?.code, 'done');
  }
  meeting.end();
});

test('endMeeting right after the start reaches rooms still starting: they stop and leave no bot behind', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 3600, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 }, 'end-at-once');
  await handle.signal(endMeetingSignal, { reason: 'cancelled by the facilitator' });
  const result = await handle.result();
  for (const room of result.rooms) {
    // A room whose create Recall was already handling follows that bot out, and it may have
    // recorded a moment first.
    assert.ok(['cancelled', 'recorded', 'partial'].includes(room.outcome), `${room.outcome}: ${room.reason}`);
    assert.match(room.reason, /cancelled by the facilitator/);
    assert.deepEqual(
      room.bots.map((b) => b.id),
      botsOf(room.workflowId).map((b) => b.id),
      'the room knows every bot made for it',
    );
  }
  const bots = stack.emulator.audit.bots().filter((b) => b.metadata.meetingWorkflowId === handle.workflowId);
  assert.deepEqual(
    bots.filter((b) => !['done', 'fatal'].includes(b.statuses.at(-1)?.code ?? '') && b.liveFrom !== undefined),
    [],
    'no bot is left live',
  );
  meeting.end();
});

test('addRoom while running is recorded; a duplicate key is rejected by the validator', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 300, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, rooms: [{ key: 'first' }] }, 'add-room');
  // Sent at once, so the update can land in the meeting's very first workflow task.
  const added = await handle.executeUpdate(addRoomUpdate, {
    args: [{ key: 'second', name: 'Room 2', botName: 'BreakoutBot-2' }],
  });
  assert.equal(added, `${handle.workflowId}/room/second`);
  await assert.rejects(handle.executeUpdate(addRoomUpdate, { args: [{ key: 'second' }] }), (err: unknown) => {
    assert.ok(err instanceof WorkflowUpdateFailedError);
    assert.match(String(err.cause?.message), /room key "second" already exists/);
    return true;
  });
  await assert.rejects(handle.executeUpdate(addRoomUpdate, { args: [{ key: '../etc' }] }), (err: unknown) => {
    assert.ok(err instanceof WorkflowUpdateFailedError);
    assert.match(String(err.cause?.message), /invalid room: key/);
    return true;
  });
  const result = await handle.result();
  const history = await handle.fetchHistory();
  const started = history.events
    ?.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId)
    .filter((id) => id !== undefined && id !== null);
  assert.deepEqual(started?.sort(), [`${handle.workflowId}/room/first`, `${handle.workflowId}/room/second`]);
  assert.deepEqual(
    result.rooms.map((r) => [r.key, r.outcome]),
    [
      ['first', 'recorded'],
      ['second', 'recorded'],
    ],
  );
  assert.equal(result.rooms[1]?.bots[0]?.breakoutRoom?.name, 'Room 2');
});

test('a breakout room closes: its bot leaves promptly', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 3600,
    breakoutRooms: [roomSpec(1, { closesAtSeconds: 120 }), roomSpec(2)],
  });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 }, 'room-closes');
  const roomId = `${handle.workflowId}/room/room-1`;
  const status = await waitFor('room 1 to finish', async () => {
    try {
      return await stack.temporal.client.workflow.getHandle<typeof roomWorkflow>(roomId).result();
    } catch {
      return undefined;
    }
  });
  assert.equal(status.outcome, 'recorded');
  assert.match(status.reason, /breakout room closed/);
  const [bot] = botsOf(roomId);
  assert.equal(bot?.statuses.find((s) => s.code === 'call_ended')?.subCode, 'bot_received_leave_call');
  assert.equal(bot?.rooms.at(-1)?.roomId, null, 'the bot was back in the main room when it left');
  assert.equal(status.bots[0]?.breakoutRoom?.name, 'Room 1', 'the result names the room the bot had entered');
  // Room 2 is still open and recording while room 1 has finished.
  const other = await stack.temporal.client.workflow
    .getHandle(`${handle.workflowId}/room/room-2`)
    .query(roomStatusQuery);
  assert.equal(other.state, 'recording');
  await handle.signal(endMeetingSignal);
  await handle.result();
  meeting.end();
});

test('bad meeting inputs fail at once with a typed InvalidInput naming the field; no bot is created', async () => {
  const badInputBots = () =>
    stack.emulator.audit.bots().filter((b) => b.metadata.meetingWorkflowId?.startsWith('meeting/bad-input-'));
  const cases: [unknown, RegExp][] = [
    [{ roomCount: 2 }, /meetingUrl/],
    [{ meetingUrl: 'https://meet.google.com/abc-defg-hij', roomCount: 2 }, /meetingUrl: must be a Zoom meeting link/],
    [{ meetingUrl: 'https://zoom.us/j/123', rooms: [{ key: 'a' }, { key: 'a' }] }, /rooms\[1\]\.key: duplicate/],
    [{ meetingUrl: 'https://zoom.us/j/123', roomCount: 101 }, /roomCount/],
    [{ meetingUrl: 'https://zoom.us/j/123' }, /rooms: give either rooms or roomCount/],
  ];
  for (const [input, message] of cases) {
    const handle = await stack.temporal.client.workflow.start(meetingWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `meeting/bad-input-${Math.random().toString(36).slice(2)}`,
      args: [input as never],
    });
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.type, 'InvalidInput');
      assert.equal(err.cause.nonRetryable, true);
      assert.match(err.cause.message, message);
      return true;
    });
  }
  assert.deepEqual(badInputBots(), [], 'no bot was created');
});
