import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { roomStatusQuery } from '../../src/contracts/messages';
import { ROOM_STATES } from '../../src/contracts/status';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: Stack;
before(async () => {
  stack = await startStack({ emulator: { seed: 7 } });
});
after(async () => {
  await stack?.close();
});

test('all webhooks of one room dropped: polling reconciles and the room is recorded', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 240, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const workflowId = 'meeting/dropped-webhooks';
  stack.emulator.faults.dropWebhooksFor({ metadata: { workflowId: `${workflowId}/room/room-2` } });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 }, 'dropped-webhooks');
  const result = await handle.result();
  stack.emulator.faults.reset();
  assert.deepEqual(
    result.rooms.map((r) => r.outcome),
    ['recorded', 'recorded'],
  );
  const room2Bot = result.rooms[1]?.bots[0]?.id;
  const delivered = stack.emulator.audit
    .webhookDeliveries()
    .filter((d) => d.botId === room2Bot && d.status !== 'dropped');
  assert.deepEqual(delivered, [], 'no webhook of room 2 reached the receiver');
  assert.ok(result.rooms[1]?.artifacts.some((a) => a.kind === 'video'));
});

test('duplicated and reordered webhooks: no state goes backwards, one bot per room', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 240,
    breakoutRooms: [roomSpec(1), roomSpec(2), roomSpec(3)],
  });
  stack.emulator.faults.webhooks({ duplicate: 0.5, reorder: 0.5 });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 3 }, 'dup-reorder');
  const seen = new Map<string, string[]>();
  const watching = (async () => {
    for (;;) {
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return;
      for (const n of [1, 2, 3]) {
        const id = `${handle.workflowId}/room/room-${n}`;
        try {
          const status = await stack.temporal.client.workflow.getHandle(id).query(roomStatusQuery);
          const states = seen.get(id) ?? [];
          if (states.at(-1) !== status.state) states.push(status.state);
          seen.set(id, states);
        } catch {
          // not started yet
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const result = await handle.result();
  await watching;
  stack.emulator.faults.reset();
  assert.deepEqual(
    result.rooms.map((r) => [r.outcome, r.bots.length]),
    [
      ['recorded', 1],
      ['recorded', 1],
      ['recorded', 1],
    ],
  );
  const duplicates = stack.emulator.audit
    .webhookDeliveries()
    .filter((d, i, all) => all.findIndex((x) => x.eventId === d.eventId) !== i);
  assert.ok(duplicates.length > 0, 'the fault did duplicate deliveries');
  // The states a room passes through in order; backoff can come between any two.
  const order: string[] = ROOM_STATES.filter((state) => state !== 'backoff');
  for (const [id, states] of seen) {
    const ranks = states.map((s) => order.indexOf(s)).filter((r) => r >= 0);
    const recordingAt = ranks.indexOf(order.indexOf('recording'));
    if (recordingAt >= 0) {
      const after = ranks.slice(recordingAt);
      assert.ok(
        after.every((r) => r >= order.indexOf('recording')),
        `${id} went back after recording: ${states.join(' → ')}`,
      );
    }
  }
});

test('the receiver down for a while: deliveries are retried after it returns and nothing is lost', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 300, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting(
    { meetingUrl: meeting.url, roomCount: 1, policy: { pollJoiningSeconds: 600, pollInCallSeconds: 600 } },
    'receiver-down',
  );
  await waitFor('the bot to be created', () =>
    stack.emulator.audit.bots().find((b) => b.metadata.workflowId === `${handle.workflowId}/room/room-1`),
  );
  await stack.stopReceiver();
  await waitFor('a delivery to fail', () =>
    stack.emulator.audit
      .webhookDeliveries()
      .some((d) => d.status === 'error' || (typeof d.status === 'number' && d.status >= 500)),
  );
  await stack.startReceiver();
  const result = await handle.result();
  assert.equal(result.rooms[0]?.outcome, 'recorded');
  const deliveries = stack.emulator.audit.webhookDeliveries();
  const failedIds = new Set(
    deliveries
      .filter((d) => d.status === 'error' || (typeof d.status === 'number' && d.status >= 500))
      .map((d) => d.eventId),
  );
  assert.ok(failedIds.size > 0);
  const neverDelivered = [...failedIds].filter(
    (id) => !deliveries.some((d) => d.eventId === id && typeof d.status === 'number' && d.status < 300),
  );
  assert.deepEqual(
    neverDelivered,
    [],
    'every delivery that failed while the receiver was down was retried until accepted',
  );
});

test('a bot kept in the waiting room with its webhooks lost: from the second empty poll in a row, each doubles the wait, up to the in-call period', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 600,
    waitingRoom: 'never_admit',
    breakoutRooms: [roomSpec(1)],
  });
  const workflowId = 'meeting/poll-backoff';
  const roomId = `${workflowId}/room/room-1`;
  stack.emulator.faults.dropWebhooksFor({ metadata: { workflowId: roomId } });
  const handle = await stack.startMeeting(
    {
      meetingUrl: meeting.url,
      roomCount: 1,
      // Recall's waiting room timeout of 400 s passes in 20 s at the emulator's time scale.
      policy: { maxBotsPerRoom: 1, pollJoiningSeconds: 1, pollInCallSeconds: 6, waitingRoomTimeoutSeconds: 400 },
    },
    'poll-backoff',
  );
  const result = await handle.result();
  stack.emulator.faults.reset();
  assert.equal(result.rooms[0]?.outcome, 'failed');
  assert.match(result.rooms[0]?.reason ?? '', /timeout_exceeded_waiting_room/);
  const history = await stack.temporal.client.workflow.getHandle(roomId).fetchHistory();
  const events = history.events ?? [];
  const polls = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'retrieveBot');
  const waits = events
    .map((e) => e.timerStartedEventAttributes?.startToFireTimeout?.seconds)
    .filter((s) => s !== undefined && s !== null)
    .map(Number);
  // The first poll finds the bot joining and waiting (a change); from then on every poll finds nothing,
  // and the second of those starts the doubling.
  assert.match(waits.join(', '), /^1, (1, )*2, 4, 6, 6\b/, `quiet waits: ${waits.join(', ')}`);
  // At a fixed 1 s the 20 s in the waiting room would take about 20 polls.
  assert.ok(polls.length < 10, `${polls.length} polls; quiet waits: ${waits.join(', ')}`);
});
