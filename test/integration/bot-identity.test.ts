/**
 * One room, one bot, whatever happens to the workflow: a meeting ID started again gets bots of its
 * own, a room reset to before its bot was created adopts the live bot instead of making a second one,
 * and a create queued behind the rate limit is never timed out by its wait.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { temporal } from '@temporalio/proto';
import { endMeetingSignal } from '../../src/contracts/messages';
import type { meetingWorkflow } from '../../workflows';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

const EventType = temporal.api.enums.v1.EventType;

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

function botsOf(roomWorkflowId: string) {
  return stack.emulator.audit.bots().filter((b) => b.metadata.workflowId === roomWorkflowId);
}

function isLive(bot: { statuses: { code: string }[] }): boolean {
  return !['call_ended', 'done', 'fatal'].includes(bot.statuses.at(-1)?.code ?? '');
}

test('the same meeting ID started again after it completed records with new bots, not the first run’s', async () => {
  const key = `again-${randomUUID().slice(0, 8)}`;
  const first = stack.emulator.createMeeting({ durationSeconds: 200, breakoutRooms: [roomSpec(1)] });
  const run1 = await (await stack.startMeeting({ meetingUrl: first.url, roomCount: 1 }, key)).result();
  const second = stack.emulator.createMeeting({ durationSeconds: 200, breakoutRooms: [roomSpec(1)] });
  const run2 = await (await stack.startMeeting({ meetingUrl: second.url, roomCount: 1 }, key)).result();

  const [room1] = run1.rooms;
  const [room2] = run2.rooms;
  assert.equal(room2?.outcome, 'recorded', room2?.reason);
  const firstBots = new Set(room1?.bots.map((b) => b.id));
  assert.ok(room2 && room2.bots.every((b) => !firstBots.has(b.id)), 'the second run has bots of its own');
  assert.ok(
    room2.artifacts.every((a) => !firstBots.has(a.botId)),
    'the second run reports no artifact of the first',
  );
  assert.equal(botsOf(room2.workflowId).length, 2, 'one bot per run');
  const secondRunBot = stack.emulator.audit.bot(room2.bots[0]!.id);
  assert.equal(secondRunBot?.meetingId, second.id, 'the new bot joined the new meeting');
});

test('a room reset to before its bot was created adopts the live bot: still one bot in the room', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 6000, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 });
  const roomId = `${handle.workflowId}/room/room-1`;
  await waitFor('the bot to record', () => botsOf(roomId)[0]?.statuses.some((s) => s.code === 'in_call_recording'));
  // Past Recall's hour, an idempotency key no longer returns the bot it made.
  stack.emulator.faults.expireIdempotencyKeys();

  const room = stack.temporal.client.workflow.getHandle(roomId);
  const { runId } = await room.describe();
  const history = await room.fetchHistory();
  const firstTask = history.events?.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  assert.ok(firstTask?.eventId);
  await stack.temporal.client.workflowService.resetWorkflowExecution({
    namespace: stack.temporal.namespace,
    workflowExecution: { workflowId: roomId, runId },
    workflowTaskFinishEventId: firstTask.eventId,
    reason: 'test: reset to before the bot was created',
    requestId: randomUUID(),
  });
  await waitFor('the reset run to follow the bot again', async () => {
    const description = await room.describe();
    return description.runId !== runId && description.status.name === 'RUNNING';
  });
  await handle.signal(endMeetingSignal, { reason: 'workshop over' });
  const result = await handle.result();

  const bots = botsOf(roomId);
  assert.equal(
    bots.length,
    1,
    `bots made for the room: ${bots.map((b) => b.id).join(', ')}; ${JSON.stringify(result.rooms[0])}`,
  );
  assert.ok(!isLive(bots[0]!), 'the adopted bot was made to leave');
  const [roomResult] = result.rooms;
  assert.equal(roomResult?.outcome, 'recorded', roomResult?.reason);
  assert.deepEqual(
    roomResult.bots.map((b) => b.id),
    [bots[0]!.id],
  );
  meeting.end();
});

test('a create queued behind the rate limit is not timed out by its wait: no schedule-to-close on createBot', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 100, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 });
  await handle.result();
  const history = await stack.temporal.client.workflow.getHandle(`${handle.workflowId}/room/room-1`).fetchHistory();
  const creates = (history.events ?? [])
    .map((e) => e.activityTaskScheduledEventAttributes)
    .filter((a) => a?.activityType?.name === 'createBot');
  assert.ok(creates.length > 0);
  for (const create of creates) {
    const seconds = Number(create?.scheduleToCloseTimeout?.seconds ?? 0);
    const startSeconds = Number(create?.scheduleToStartTimeout?.seconds ?? 0);
    assert.equal(seconds, 0, 'queue time must not count against the room');
    assert.equal(startSeconds, 0, 'no limit on the wait in the queue');
    assert.ok(Number(create?.startToCloseTimeout?.seconds ?? 0) > 0, 'each attempt is bounded');
  }
});

test('a meeting reset to before its rooms started attaches to the running rooms: no second bot, every room reported', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 6000, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 });
  const roomIds = ['room-1', 'room-2'].map((key) => `${handle.workflowId}/room/${key}`);
  for (const roomId of roomIds) {
    await waitFor(`${roomId} to record`, () => botsOf(roomId)[0]?.statuses.some((s) => s.code === 'in_call_recording'));
  }
  const { runId } = await handle.describe();
  const history = await handle.fetchHistory();
  const firstTask = history.events?.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  assert.ok(firstTask?.eventId);
  await stack.temporal.client.workflowService.resetWorkflowExecution({
    namespace: stack.temporal.namespace,
    workflowExecution: { workflowId: handle.workflowId, runId },
    workflowTaskFinishEventId: firstTask.eventId,
    reason: 'test: reset the meeting to before its rooms started',
    requestId: randomUUID(),
  });
  const reset = stack.temporal.client.workflow.getHandle<typeof meetingWorkflow>(handle.workflowId);
  await reset.signal(endMeetingSignal, { reason: 'workshop over' });
  const result = await reset.result();

  assert.notEqual((await reset.describe()).runId, runId, 'the result is the reset run’s');
  assert.deepEqual(result.rooms.map((r) => r.key).sort(), ['room-1', 'room-2']);
  for (const room of result.rooms) {
    assert.doesNotMatch(room.reason, /room workflow failed|already started/, `${room.key}: ${room.reason}`);
    assert.ok(['recorded', 'partial'].includes(room.outcome), `${room.key}: ${room.outcome} ${room.reason}`);
    assert.match(room.reason, /workshop over/, 'the reset run’s endMeeting reached the attached room');
    assert.equal(botsOf(room.workflowId).length, 1, `${room.key}: one bot, not a second one`);
  }
  meeting.end();
});
