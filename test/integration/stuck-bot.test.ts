/**
 * A bot that never gets into the call, long past Recall's automatic_leave (a hung join, a lobby no
 * one watches), is bounded by the room itself: after the policy's waiting-room and no-one-joined
 * timeouts it is made to leave, the room moves on within its bot budget, and nothing of the old
 * bot's follow-up (polls, timers) reaches into the next bot's life or into collection.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { MeetingResult, Policy } from '../../src/contracts';
import { roomStatusQuery } from '../../src/contracts/messages';
import { overlappingLiveBots, orphanBots } from '../support/invariants';
import {
  activityCount,
  afterCollectionStarted,
  afterDone,
  doneLearnedAt,
  historiesOfRuns,
} from '../support/room-history';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

/** The shortest bound the policy allows: a stuck bot is given up on after 20 s. */
const POLICY: Partial<Policy> = {
  waitingRoomTimeoutSeconds: 10,
  nooneJoinedTimeoutSeconds: 10,
  leaveTimeoutSeconds: 3,
};
const GIVE_UP_MS = (10 + 10) * 1000;
/** A room that never bounds its bot would wait forever: fail instead. */
const TEST_TIMEOUT_MS = 300_000;

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

/** A one-room meeting whose room's bots hang before the call (`stuck`); the room runs under `policy`. */
async function startStuckRoom(
  stuck: Parameters<Stack['emulator']['faults']['stuckBeforeCall']>[1] & { count?: number },
  policy: Partial<Policy>,
  lobby = true,
) {
  const meetingKey = newMeetingKey();
  const roomId = `meeting/${meetingKey}/room/room-1`;
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 6000,
    ...(lobby ? { waitingRoom: 'admit' as const } : {}),
    breakoutRooms: [roomSpec(1)],
  });
  const { count, ...hang } = stuck;
  stack.emulator.faults.stuckBeforeCall({ metadata: { workflowId: roomId }, ...(count ? { count } : {}) }, hang);
  const handle = await stack.startMeeting(
    { meetingUrl: meeting.url, roomCount: 1, policy: { ...POLICY, ...policy } },
    meetingKey,
  );
  return { roomId, meeting, handle };
}

/** The room's second bot, once it records. */
function recordingReplacement(roomId: string, timeoutMs: number) {
  return waitFor(
    'a replacement bot to record',
    () => {
      const bot = botsOf(roomId)[1];
      return bot?.statuses.some((s) => s.code === 'in_call_recording') ? bot : undefined;
    },
    timeoutMs,
  );
}

/**
 * The host removes the stuck bot from the lobby; the room's replacement records; the meeting ends.
 * Two bots in all, never both live, no orphan.
 */
async function removeFromLobbyThenRecord(
  roomId: string,
  stuckId: string,
  meeting: { end(): void },
  handle: { result(): Promise<MeetingResult> },
) {
  stack.emulator.faults.kickBot(stuckId, 'waiting_room');
  const replacement = await recordingReplacement(roomId, 120_000);
  meeting.end();
  const result = await handle.result();
  const bots = botsOf(roomId);
  assert.equal(bots.length, 2);
  assert.deepEqual(overlappingLiveBots(bots), [], 'never two live bots for the room');
  assert.deepEqual(orphanBots(bots), []);
  return { replacement, result };
}

function newMeetingKey(): string {
  return `stuck-${randomBytes(4).toString('hex')}`;
}

/**
 * Every run of the room's history: no poll or timer of a done bot, nothing firing into collection.
 * Each bot's done and the start of collection must be found, or the check would pass vacuously.
 */
async function lateFollowUps(roomId: string, botIds: string[]): Promise<string[]> {
  const runs = await historiesOfRuns(stack.temporal.client, roomId);
  const unseen = botIds
    .filter((id) => runs.every((events) => doneLearnedAt(events, id) === undefined))
    .map((id) => `the room's history never shows bot ${id} done`);
  const collecting = runs.some((events) => activityCount(events, 'collectArtifacts') > 0);
  return [
    ...unseen,
    ...(collecting ? [] : ['the room never collected']),
    ...runs.flatMap((events) => [...botIds.flatMap((id) => afterDone(events, id)), ...afterCollectionStarted(events)]),
  ];
}

test(
  'a bot stuck in the waiting room is made to leave after the policy bound (asked until it goes); a replacement records',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    const { roomId, meeting, handle } = await startStuckRoom({ ignoreLeaves: 2, count: 1 }, { maxBotsPerRoom: 3 });
    const replacement = await recordingReplacement(roomId, 180_000);
    meeting.end();
    const result = await handle.result();

    const bots = botsOf(roomId);
    const stuck = bots[0]!;
    assert.equal(bots.length, 2, 'one replacement, no more');
    assert.deepEqual(
      stuck.statuses.map((s) => (s.subCode ? `${s.code}:${s.subCode}` : s.code)),
      ['joining_call', 'in_waiting_room', 'call_ended:bot_received_leave_call', 'done'],
      'the room made the stuck bot leave (Recall never timed it out)',
    );
    const hits = stack.emulator.audit.faultHits().filter((h) => h.botId === stuck.id);
    assert.deepEqual(
      hits.map((h) => h.fault),
      ['stuck_before_call', 'leave_ignored', 'leave_ignored'],
    );
    const leaves = stack.emulator.audit
      .requests()
      .filter((r) => r.method === 'POST' && r.path.includes(`${stuck.id}/leave_call`));
    assert.ok(leaves.length >= 3, 'asked again after each ignored request');
    assert.ok(
      leaves[0]!.at >= stuck.createdAt + GIVE_UP_MS,
      'not given up on before waitingRoomTimeoutSeconds + nooneJoinedTimeoutSeconds',
    );
    assert.deepEqual(overlappingLiveBots(bots), [], 'never two live bots for the room');
    assert.ok(stuck.liveUntil! <= replacement.liveFrom!, 'the replacement went live after the stuck bot was done');
    assert.deepEqual(orphanBots(bots), []);

    const [room] = result.rooms;
    assert.equal(room?.outcome, 'recorded', room?.reason);
    assert.deepEqual(
      room.bots.map((b) => [b.id, b.attempt, b.status, b.subCode]),
      [
        [stuck.id, 1, 'done', 'bot_received_leave_call'],
        [replacement.id, 2, 'done', 'call_ended_by_host'],
      ],
    );
    assert.ok(room.artifacts.some((a) => a.kind === 'video' && a.botId === replacement.id));
    assert.deepEqual(await lateFollowUps(roomId, [stuck.id, replacement.id]), []);
  },
);

test(
  'a room whose every bot hangs while joining gives up after maxBotsPerRoom: failed, with the reason',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    const { roomId, meeting, handle } = await startStuckRoom({ stage: 'joining_call' }, { maxBotsPerRoom: 2 }, false);
    const result = await handle.result();
    meeting.end();

    const bots = botsOf(roomId);
    assert.equal(bots.length, 2, 'the budget, and not one bot more');
    for (const bot of bots) {
      assert.deepEqual(
        bot.statuses.map((s) => (s.subCode ? `${s.code}:${s.subCode}` : s.code)),
        ['joining_call', 'call_ended:bot_received_leave_call', 'done'],
        `bot ${bot.id} was made to leave`,
      );
    }
    assert.deepEqual(overlappingLiveBots(bots), [], 'never two live bots for the room');
    assert.deepEqual(orphanBots(bots), []);

    const [room] = result.rooms;
    assert.equal(room?.outcome, 'failed', room?.reason);
    assert.match(room.reason, /gave up after 2 bots: bot \S+ was still joining/);
    assert.deepEqual(
      room.bots.map((b) => [b.id, b.status, b.subCode]),
      bots.map((b) => [b.id, 'done', 'bot_received_leave_call']),
    );
    assert.deepEqual(
      await lateFollowUps(
        roomId,
        bots.map((b) => b.id),
      ),
      [],
    );
  },
);

test(
  'a bot that will not leave: the room keeps asking, says not_leaving, adds no second bot; once the host removes it, the room moves on',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    const { roomId, meeting, handle } = await startStuckRoom({ ignoreLeaves: 1000, count: 1 }, { maxBotsPerRoom: 3 });
    const room = stack.temporal.client.workflow.getHandle(roomId);
    await waitFor(
      'the room to say its bot will not leave',
      // Until the meeting has started the room, there is nothing to ask.
      async () => (await room.query(roomStatusQuery).catch(() => undefined))?.state === 'not_leaving',
      120_000,
    );
    const [stuck] = botsOf(roomId);
    const leaveRequests = () =>
      stack.emulator.audit.requests().filter((r) => r.method === 'POST' && r.path.includes(`${stuck!.id}/leave_call`));
    const asked = leaveRequests().length;
    await waitFor('the room to ask again', () => leaveRequests().length >= asked + 2, 60_000);
    assert.equal(botsOf(roomId).length, 1, 'no second bot while the first is live');
    assert.equal(stuck!.liveUntil, undefined, 'the stuck bot is still live');

    const { replacement, result } = await removeFromLobbyThenRecord(roomId, stuck!.id, meeting, handle);
    const [roomResult] = result.rooms;
    assert.equal(roomResult?.outcome, 'recorded', roomResult?.reason);
    assert.deepEqual(
      roomResult.bots.map((b) => [b.id, b.status, b.subCode]),
      [
        [stuck!.id, 'done', 'bot_kicked_from_waiting_room'],
        [replacement.id, 'done', 'call_ended_by_host'],
      ],
    );
    assert.deepEqual(await lateFollowUps(roomId, [stuck!.id, replacement.id]), []);
  },
);

test(
  'a stuck bot across continue-as-new: every run keeps asking it to leave, and the room moves on only once it is gone',
  { timeout: TEST_TIMEOUT_MS },
  async () => {
    // Polls every second and a short history bound: the room hands over every few dozen seconds.
    const { roomId, meeting, handle } = await startStuckRoom(
      { ignoreLeaves: 1000, count: 1 },
      { maxBotsPerRoom: 3, pollJoiningSeconds: 1, continueAsNewAfterEvents: 200 },
      false,
    );
    const room = stack.temporal.client.workflow.getHandle(roomId);
    const runIds = new Set<string>();
    await waitFor(
      'two hand-overs of the room after it began asking its bot to leave',
      async () => {
        const run = await room.describe().catch(() => undefined);
        const bot = botsOf(roomId)[0];
        const asked = stack.emulator.audit.faultHits().some((h) => h.fault === 'leave_ignored' && h.botId === bot?.id);
        if (run && asked) runIds.add(run.runId);
        return runIds.size >= 3;
      },
      180_000,
    );
    const [stuck] = botsOf(roomId);
    assert.equal(botsOf(roomId).length, 1, 'no second bot while the first is live');
    assert.equal(stuck!.liveUntil, undefined, 'the stuck bot is still live');

    const { replacement, result } = await removeFromLobbyThenRecord(roomId, stuck!.id, meeting, handle);
    assert.equal(result.rooms[0]?.outcome, 'recorded', result.rooms[0]?.reason);
    const runs = await historiesOfRuns(stack.temporal.client, roomId);
    const askingRuns = runs.filter((events) => activityCount(events, 'leaveBot', stuck!.id) > 0);
    assert.ok(askingRuns.length >= 2, `the leave requests went on across hand-overs (${askingRuns.length} runs asked)`);
    // The count of leave requests goes on across hand-overs: once not_leaving, a new run does not say leaving again.
    const states = runs.flat().flatMap((e) => {
      const field = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.BreakoutRoomState;
      return field?.data ? [JSON.parse(Buffer.from(field.data).toString('utf8')) as string] : [];
    });
    const firstNotLeaving = states.indexOf('not_leaving');
    assert.ok(firstNotLeaving >= 0, `the room said not_leaving: ${states.join(' → ')}`);
    assert.ok(!states.slice(firstNotLeaving).includes('leaving'), `states: ${states.join(' → ')}`);
    assert.deepEqual(await lateFollowUps(roomId, [stuck!.id, replacement.id]), []);
  },
);
