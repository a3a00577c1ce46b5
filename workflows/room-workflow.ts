/**
 * One breakout room: owns at most one live bot at a time, follows it, replaces it when it dies,
 * stops when told to, collects what every bot of the room recorded, and reports. The phases live
 * beside this file: room-create (a bot, adopted or new), room-follow (until done, leaving when
 * stopped), room-collect (artifacts and the manifest).
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
} from '@temporalio/workflow';
import type { RoomInput, RoomResult } from '../src/contracts';
import {
  leaveSignal,
  recallEventSignal,
  reportToMeetingSignal,
  roomFinishedSignal,
  roomStatusQuery,
} from '../src/contracts/messages';
import { failureMessage } from './failures';
import { isTerminal } from './bot-tracker';
import { backoffSeconds, classifyBotEnd } from './classify';
import { Room, type CarriedRoom } from './room';
import { handOverIfDue } from './room-handover';
import { collectAndReport } from './room-collect';
import { createNextBot } from './room-create';
import { follow } from './room-follow';
import { describeEnd } from './room-result';
import { roomWorkflow as roomWorkflowV1 } from './v1/room-workflow';

export { createBotTaskQueue } from './room-activities';

/** Decides what follows a bot that ended: true when the room should get another bot. */
function shouldReplace(room: Room): boolean {
  const bot = room.current;
  if (!bot || room.stopping) return !room.stopping;
  if (bot.abandoned) {
    log.warn('replacing a bot that never got into the call', { reason: bot.abandoned });
    return true;
  }
  const { retryOnRecordingDenied } = room.policy;
  const action = bot.end ? classifyBotEnd(bot.end.code, bot.end.subCode, { retryOnRecordingDenied }) : 'unknown';
  if (action === 'finished') {
    room.memory.finishedReason = describeEnd(bot);
    return false;
  }
  if (action === 'fail') {
    room.memory.failReason = describeEnd(bot);
    return false;
  }
  if (action === 'unknown') log.warn('bot ended with an unknown code; replacing it', { end: bot.end });
  return true;
}

/** Marks the rooms that, out of bots, give up without a last backoff. */
export const GIVE_UP_WITHOUT_BACKOFF = 'room-give-up-without-backoff';

function giveUp(room: Room): void {
  room.memory.failReason = `gave up after ${room.memory.bots.length} bots: ${describeEnd(room.current)}`;
}

/** Bots one after another until the room stops, finishes, fails or runs out of its budget. */
async function runBots(room: Room): Promise<void> {
  const { policy, endBy } = room.input;
  for (;;) {
    await handOverIfDue(room);
    const live = room.current && !isTerminal(room.current) ? room.current : undefined;
    if (live) await follow(room, live);
    if (!shouldReplace(room)) return;
    const spent = room.memory.bots.length >= policy.maxBotsPerRoom;
    // Rooms since this patch give up at once; before it, they waited out one backoff first.
    if (spent && patched(GIVE_UP_WITHOUT_BACKOFF)) return giveUp(room);
    if (room.current) {
      room.setState('backoff');
      const delay = backoffSeconds(room.current.attempt, policy.backoffInitialSeconds, policy.backoffMaxSeconds);
      await condition(() => room.stopping, delay * 1000);
      if (room.stopping) return;
    }
    if (spent) return giveUp(room);
    if (endBy && Date.now() >= Date.parse(endBy)) {
      room.stop('endBy reached');
      return;
    }
    if (!(await createNextBot(room))) return;
  }
}

/**
 * Rooms that release 0.1.0 started carry no marker of this patch: they replay and finish on its
 * code. Every room started since runs today's. See docs/deploying.md.
 */
export const ROOM_RELEASE_0_2 = 'room-release-0.2';

/**
 * Rooms since this marker wait for a create Recall is already handling when they stop, and follow
 * its bot out; they keep the in-call timer while a bot that left the call waits for `done`, and
 * judge a quiet period by the deadline of the timer that fired (room-follow.ts). Rooms with only the
 * 0.2 marker replay the old ways. One marker per room either way, since a room asks for the 0.2
 * marker only when it has no 0.3 one.
 */
export const ROOM_RELEASE_0_3 = 'room-release-0.3';

/** `carried`: the state a previous run of this room handed over when it continued as new. */
export async function roomWorkflow(input: RoomInput, carried?: CarriedRoom): Promise<RoomResult> {
  const release = patched(ROOM_RELEASE_0_3) ? '0.3' : patched(ROOM_RELEASE_0_2) ? '0.2' : undefined;
  if (!release) return roomWorkflowV1(input);
  const room = new Room(input, release, carried);
  setHandler(recallEventSignal, (event) => room.deliver(event));
  setHandler(leaveSignal, (request) => room.stop(request?.reason ?? 'leave requested'));
  setHandler(roomStatusQuery, () => room.status());
  setHandler(reportToMeetingSignal, () => void (room.reportToMeeting = true));

  // Cancellation (the meeting cancelled or terminated, a schedule's overlap policy) is a stop like
  // any other: the bot leaves and what it recorded is collected. So the room runs non-cancellable,
  // and a cancel request only sets the stop.
  CancellationScope.current().cancelRequested.catch(() => room.stop('cancelled'));
  if (input.endBy) {
    const untilEnd = Math.max(Date.parse(input.endBy) - Date.now(), 1);
    void condition(() => room.result !== undefined, untilEnd).then((ended) => ended || room.stop('endBy reached'));
  }

  const result = await CancellationScope.nonCancellable(async () => {
    await runBots(room);
    return collectAndReport(room);
  });
  room.result = result;
  room.setState(result.outcome);
  await condition(allHandlersFinished);
  if (room.reportToMeeting) {
    try {
      await getExternalWorkflowHandle(input.meetingWorkflowId).signal(roomFinishedSignal, result);
    } catch (err) {
      log.error('could not send the result to the meeting', { error: failureMessage(err) });
    }
  }
  return result;
}
