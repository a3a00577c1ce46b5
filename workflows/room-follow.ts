/**
 * Following one bot until it is done: events come as signals, and when they go quiet the bot is
 * retrieved and reconciled. Once the room stops, the bot is asked to leave, and asked again while
 * it stays, until Recall says it is done: a room never completes with its bot still billing.
 */
import { condition, log, metricMeter, patched } from '@temporalio/workflow';
import type { BotSnapshot } from '../activities';
import { hasLeftCall, isTerminal, type TrackedBot } from './bot-tracker';
import { failureMessage } from './failures';
import { QuietTimer } from './quiet-timer';
import type { Room } from './room';
import { handOverIfDue } from './room-handover';
import { leaveCalls, noticeCalls, pollCalls } from './room-activities';

/** Leave requests after which a bot counts as one that will not leave (state `not_leaving`, a metric). */
const STUCK_AFTER_LEAVES = 3;

/** Retrieves the bot and feeds its status history to the room as events; a failed poll waits for the next. */
export async function poll(room: Room, bot: TrackedBot): Promise<void> {
  let snapshot: BotSnapshot;
  try {
    snapshot = await pollCalls.retrieveBot(bot.id);
  } catch (err) {
    log.warn('could not retrieve bot; will try again', { botId: bot.id, error: failureMessage(err) });
    return;
  }
  for (const change of snapshot.statusChanges) {
    room.deliver({
      eventId: `poll:${bot.id}:${change.code}:${change.at}`,
      event: `bot.${change.code}`,
      botId: bot.id,
      code: change.code,
      subCode: change.subCode,
      at: change.at,
      source: 'poll',
    });
  }
}

/**
 * In the call, or (rooms since 0.3) out of it and waiting for the `done` that follows `call_ended`:
 * the in-call timer stays armed through that wait. Replacing it by the joining period's shorter one
 * cost every room two events, and under load, when `done` was queued behind other rooms' webhooks,
 * a poll too; the price is that a lost `done` is found by the in-call period's poll.
 */
function inCallPeriod(room: Room, bot: TrackedBot): boolean {
  return bot.phase === 'in_call' || (bot.phase === 'call_ended' && room.release === '0.3');
}

/**
 * How far the quiet has lasted, as a woken room judges it. Rooms since 0.3 take the deadline that
 * fired, not the task's clock: a query-time replay can set that clock back to the previous task's
 * (see QuietTimer.now), and a timer armed before later events moved lastHeard fired before
 * lastHeard + quiet, so the clock alone decided between a poll and a new timer, differently in a
 * later replay.
 */
function quietUntil(room: Room, timer: QuietTimer): number {
  return room.release === '0.3' ? timer.firedAt() : timer.now();
}

/** Which of quietMs's periods applies: the timer is replaced only when this changes. */
function quietPeriod(room: Room, bot: TrackedBot): string {
  if (room.stopping) return 'stopping';
  if (bot.phase === 'pending' && room.input.joinAt) return 'scheduled';
  return inCallPeriod(room, bot) ? 'in_call' : 'joining';
}

/**
 * Webhooks can be lost: after this much quiet, the bot is retrieved and reconciled. From the second
 * poll in a row that found nothing new, each doubles the wait before a call, up to the in-call period:
 * a bot waiting an hour to be admitted is retrieved a dozen times, not 120, and a loaded Recall is not
 * asked again and again about bots that are merely slow to join.
 */
function quietMs(room: Room, bot: TrackedBot, emptyPolls: number): number {
  const { policy, joinAt } = room.input;
  if (room.stopping) return policy.pollJoiningSeconds * 1000;
  if (bot.phase === 'pending' && joinAt) {
    return Math.max(Date.parse(joinAt) - Date.now(), 0) + policy.pollJoiningSeconds * 1000;
  }
  if (inCallPeriod(room, bot)) return policy.pollInCallSeconds * 1000;
  const longest = Math.max(policy.pollJoiningSeconds, policy.pollInCallSeconds);
  return Math.min(policy.pollJoiningSeconds * 2 ** Math.max(emptyPolls - 1, 0), longest) * 1000;
}

/**
 * Marks the runs whose polls back off (see quietMs). Asked only after a second empty poll in a row:
 * the patch costs a room two events (its marker and Temporal's own search attribute upsert), and one
 * empty poll is common while a bot joins under load. Runs from before it keep a fixed rate.
 */
export const POLL_BACKOFF = 'room-poll-backoff';

/** Marks the runs that carry on a bot's count of leave requests from the run before (see follow). */
export const LEAVE_COUNT_CARRIED = 'room-leave-count-carried';

/**
 * Asks the bot to leave (a scheduled bot not yet dispatched is deleted instead). A failed request is
 * logged: the caller asks again after the leave timeout, for as long as the bot stays.
 */
async function askToLeave(room: Room, bot: TrackedBot, asked: number): Promise<void> {
  room.setState(asked >= STUCK_AFTER_LEAVES ? 'not_leaving' : 'leaving');
  if (asked === STUCK_AFTER_LEAVES) {
    metricMeter
      .createCounter('breakout_bots_not_leaving', 'bots', 'Bots still in the call after repeated leave requests.')
      .add(1);
    log.error('bot will not leave; asking again until it does', { botId: bot.id, requests: asked });
  }
  try {
    const outcome = await leaveCalls.leaveBot(bot.id);
    if (outcome === 'deleted') bot.deleted = true;
  } catch (err) {
    log.warn('leave request failed; asking again later', { botId: bot.id, error: failureMessage(err) });
  }
}

/**
 * The breakout room the bot records in, once it is known to be there: it was seen entering it, or it
 * was sent there by id and records. A bot placed by name sends no such sign without breakout events;
 * it posts nothing rather than post in the main room, where every room's bot passes first.
 */
function recordingIn(bot: TrackedBot): string | undefined {
  if (bot.phase !== 'in_call') return undefined;
  const entered = bot.breakoutRoom;
  if (entered) return entered.id ?? entered.name ?? undefined;
  return bot.recording ? bot.askedRoomId : undefined;
}

/** Posts the meeting's recording notice once in each breakout room a bot records. */
async function postNotice(room: Room, bot: TrackedBot): Promise<void> {
  const text = room.input.recordingNotice;
  const where = recordingIn(bot);
  if (!text || !where || room.stopping || bot.noticeRooms?.includes(where)) return;
  bot.noticeRooms = [...(bot.noticeRooms ?? []), where];
  try {
    const { sentAt } = await noticeCalls.sendRecordingNotice({
      botId: bot.id,
      text,
      ...(bot.breakoutRoom?.id ? { breakoutRoomId: bot.breakoutRoom.id } : {}),
    });
    room.memory.recordingNotices.push({ botId: bot.id, breakoutRoom: where, sentAt });
  } catch (err) {
    log.warn('could not post the recording notice', { botId: bot.id, room: where, error: failureMessage(err) });
  }
}

const PHASES_BEFORE_CALL: TrackedBot['phase'][] = ['pending', 'joining', 'waiting_room'];

/**
 * When a bot that never got into the call is given up on: Recall's own automatic leave (waiting room,
 * no one joined) should have ended it well before. Counted from its join time for a scheduled bot.
 */
function givesUpAt(room: Room, bot: TrackedBot): number | undefined {
  if (PHASES_BEFORE_CALL.indexOf(bot.phase) < 0 || !bot.trackedAt) return undefined;
  const { policy, joinAt } = room.input;
  const from = Math.max(Date.parse(bot.trackedAt), joinAt ? Date.parse(joinAt) : 0);
  return from + (policy.waitingRoomTimeoutSeconds + policy.nooneJoinedTimeoutSeconds) * 1000;
}

/**
 * Follows one bot until it is done, fatal or deleted: making it leave once the room is stopping, or
 * once it is stuck before the call for longer than the policy allows (the room then replaces it).
 * Continues the room as new between waits when its history has grown long.
 */
export async function follow(room: Room, bot: TrackedBot): Promise<void> {
  const { policy } = room;
  const timer = new QuietTimer();
  let lastHeard = Date.now();
  let emptyPolls = 0;
  // A run continued while the bot was being asked to leave goes on counting (only such runs ask the patch).
  let leaveRequests = bot.leaveRequests && patched(LEAVE_COUNT_CARRIED) ? bot.leaveRequests : 0;
  let nextLeaveAt: number | undefined;
  let armedFor: string | undefined;
  try {
    while (!isTerminal(bot)) {
      await handOverIfDue(room);
      if (!room.stopping && policy.leaveWhenRoomCloses && bot.leftBreakout) room.stop('breakout room closed');
      const giveUpAt = givesUpAt(room, bot);
      if (!bot.abandoned && giveUpAt !== undefined && timer.now() >= giveUpAt) {
        bot.abandoned = `bot ${bot.id} was still ${bot.phase} after ${Math.round((Date.now() - Date.parse(bot.trackedAt!)) / 1000)} s`;
        log.warn('bot never got into the call; making it leave', { botId: bot.id, phase: bot.phase });
      }
      await postNotice(room, bot);
      const leaving = room.stopping || bot.abandoned !== undefined;
      if (leaving && !hasLeftCall(bot) && (nextLeaveAt === undefined || timer.now() >= nextLeaveAt)) {
        bot.leaveRequests = ++leaveRequests;
        await askToLeave(room, bot, leaveRequests);
        nextLeaveAt = Date.now() + policy.leaveTimeoutSeconds * 1000;
        if (isTerminal(bot)) break;
      }
      const quiet = quietMs(room, bot, emptyPolls);
      // A new quiet period (the bot got into the call): the timer armed for the old one would fire
      // for nothing; replacing it costs two events, firing five.
      const period = quietPeriod(room, bot);
      if (period !== armedFor) timer.cancel();
      armedFor = period;
      timer.armBy(Math.min(lastHeard + quiet, nextLeaveAt ?? Infinity, leaving ? Infinity : (giveUpAt ?? Infinity)));
      const seenChanges = room.changes;
      const seenTicks = timer.ticks;
      const wasStopping = room.stopping;
      await condition(() => room.changes !== seenChanges || timer.ticks !== seenTicks || room.stopping !== wasStopping);
      if (room.changes !== seenChanges) {
        lastHeard = Date.now();
        emptyPolls = 0;
      } else if (quietUntil(room, timer) >= lastHeard + quiet) {
        await poll(room, bot);
        lastHeard = Date.now();
        if (room.changes !== seenChanges) emptyPolls = 0;
        else if (emptyPolls === 0 || patched(POLL_BACKOFF)) emptyPolls++;
      }
    }
  } finally {
    timer.cancel();
  }
  // `done` can arrive without the `call_ended` that says why: the bot's own history has it.
  if (bot.phase === 'done' && !bot.end && !bot.deleted) await poll(room, bot);
}
