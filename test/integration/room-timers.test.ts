/**
 * What a happy room's history pays for its quiet timer, at Recall's own pace (time scale 1), where a
 * bot's `call_ended` and `done` come a second apart and reach the room in separate workflow tasks.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { temporal } from '@temporalio/proto';
import { signalIndex } from '../support/room-history';
import { roomSpec, startStack, type Stack } from '../support/stack';

let stack: Stack;
before(async () => {
  stack = await startStack({ emulator: { timeScale: 1 } });
});
after(async () => {
  await stack?.close();
});

test('a bot that left the call keeps the in-call timer while it waits for done: no timer replaced, no poll', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 12, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({
    meetingUrl: meeting.url,
    roomCount: 1,
    policy: { pollJoiningSeconds: 30, pollInCallSeconds: 300 },
  });
  const result = await handle.result();
  const room = result.rooms[0];
  assert.equal(room?.outcome, 'recorded', room?.reason);
  const botId = room.bots[0]?.id ?? '';
  const events = (await stack.temporal.client.workflow.getHandle(room.workflowId).fetchHistory()).events ?? [];
  const ended = signalIndex(events, botId, 'call_ended');
  const done = signalIndex(events, botId, 'done');
  assert.ok(ended >= 0 && done > ended, `call_ended at ${ended}, done at ${done}`);
  const between = events.slice(ended + 1, done);
  assert.ok(
    between.some((e) => e.workflowTaskCompletedEventAttributes),
    'call_ended and done reached the room in separate workflow tasks',
  );
  assert.deepEqual(
    between
      .filter(
        (e) =>
          e.timerStartedEventAttributes ||
          e.timerCanceledEventAttributes ||
          e.activityTaskScheduledEventAttributes?.activityType?.name === 'retrieveBot',
      )
      .map((e) => `${String(e.eventId)} ${temporal.api.enums.v1.EventType[e.eventType ?? 0]}`),
    [],
  );
  meeting.end();
});
