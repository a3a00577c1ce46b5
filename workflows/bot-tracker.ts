/**
 * Forward-only tracking of one bot's life from `recallEvent` signals and polled `status_changes`.
 * Webhooks arrive late, twice or out of order, so an event is applied only when it moves the bot
 * forward: a lower lifecycle phase is stale, and within the call (where Recall flips between
 * recording and not recording) an event older than the last one applied is stale.
 */
import type { BreakoutRoomRef, RecallEvent } from '../src/contracts';

export type BotPhase = 'pending' | 'joining' | 'waiting_room' | 'in_call' | 'call_ended' | 'done' | 'fatal';

const PHASE_RANK: Record<BotPhase, number> = {
  pending: 0,
  joining: 1,
  waiting_room: 2,
  in_call: 3,
  call_ended: 4,
  done: 5,
  fatal: 5,
};

function phaseOf(code: string): BotPhase | undefined {
  switch (code) {
    case 'joining_call':
      return 'joining';
    case 'in_waiting_room':
      return 'waiting_room';
    case 'in_call_not_recording':
    case 'in_call_recording':
    case 'recording_permission_allowed':
    case 'recording_permission_denied':
      return 'in_call';
    case 'call_ended':
      return 'call_ended';
    case 'done':
      return 'done';
    case 'fatal':
      return 'fatal';
    default:
      return undefined;
  }
}

export interface RecordingSpan {
  from: string;
  to: string | null;
}

export interface TrackedBot {
  id: string;
  attempt: number;
  phase: BotPhase;
  /** The `call_ended` or `fatal` that ended the bot, with its sub code. */
  end: { code: 'call_ended' | 'fatal'; subCode: string | null; at: string | null } | null;
  recording: boolean;
  spans: RecordingSpan[];
  lastInCallAt: string | null;
  breakoutRoom: BreakoutRoomRef | null;
  breakoutAt: string | null;
  /** The breakout room the bot entered last, kept after it returns to the main room. */
  enteredRoom: BreakoutRoomRef | null;
  /** The bot was in a breakout room and is back in the main room (the room closed or the host moved it). */
  leftBreakout: boolean;
  /** A scheduled bot deleted before it joined: it never runs, so nothing of it is followed or collected. */
  deleted?: boolean;
  /** Found live at Recall (a create whose answer was lost, a reset, an earlier run) instead of created. */
  adopted?: boolean;
  /** When the room took the bot on (ISO, workflow time): a bot that never gets into the call is bounded from it. */
  trackedAt?: string;
  /** The breakout room the bot was created to join directly (`join_specific_room`). */
  askedRoomId?: string;
  /** Breakout rooms (id, else name) the bot was asked to post the recording notice in. */
  noticeRooms?: string[];
  /** Why the room gave up on the bot and made it leave although the room goes on (it never got into the call). */
  abandoned?: string;
  /** Leave requests the bot was sent, across continue-as-new: it counts as not leaving once, not once per run. */
  leaveRequests?: number;
}

export function newTrackedBot(id: string, attempt: number): TrackedBot {
  return {
    id,
    attempt,
    phase: 'pending',
    end: null,
    recording: false,
    spans: [],
    lastInCallAt: null,
    breakoutRoom: null,
    breakoutAt: null,
    enteredRoom: null,
    leftBreakout: false,
  };
}

export function isTerminal(bot: TrackedBot): boolean {
  return bot.phase === 'done' || bot.phase === 'fatal' || bot.deleted === true;
}

/** The bot has left the call (or never will join): nothing of it is live any more but its upload. */
export function hasLeftCall(bot: TrackedBot): boolean {
  return PHASE_RANK[bot.phase] >= PHASE_RANK.call_ended;
}

function isAfter(at: string | undefined, previous: string | null): boolean {
  if (previous === null || at === undefined) return true;
  return Date.parse(at) > Date.parse(previous);
}

function closeSpan(bot: TrackedBot, at: string | undefined): void {
  const open = bot.spans.at(-1);
  if (bot.recording && open && open.to === null) open.to = at ?? open.from;
  bot.recording = false;
}

function applyStatus(bot: TrackedBot, code: string, event: RecallEvent): boolean {
  const phase = phaseOf(code);
  if (!phase) return false;
  const rank = PHASE_RANK[phase];
  const current = PHASE_RANK[bot.phase];
  // A `call_ended` overtaken by `done` still says why the bot left; it fills that in, moving nothing.
  if (phase === 'call_ended' && bot.phase === 'done' && bot.end === null) {
    bot.end = { code: 'call_ended', subCode: event.subCode ?? null, at: event.at ?? null };
    return true;
  }
  if (rank < current) return false;
  if (rank === current && phase !== 'in_call') return false;
  if (phase === 'in_call') {
    if (rank === current && !isAfter(event.at, bot.lastInCallAt)) return false;
    bot.lastInCallAt = event.at ?? bot.lastInCallAt;
    if (code === 'in_call_recording' && !bot.recording) {
      bot.recording = true;
      bot.spans.push({ from: event.at ?? '', to: null });
    } else if (code !== 'in_call_recording' && code !== 'recording_permission_allowed') {
      closeSpan(bot, event.at);
    }
  } else if (phase === 'call_ended' || phase === 'fatal') {
    closeSpan(bot, event.at);
    bot.end = { code: phase, subCode: event.subCode ?? null, at: event.at ?? null };
  } else if (phase === 'done') {
    closeSpan(bot, event.at);
  }
  bot.phase = phase;
  return true;
}

function applyBreakout(bot: TrackedBot, event: RecallEvent): boolean {
  if (!isAfter(event.at, bot.breakoutAt)) return false;
  const room = event.breakoutRoom ?? null;
  switch (event.event) {
    case 'bot.breakout_room_entered':
      bot.breakoutRoom = room;
      bot.enteredRoom = room;
      bot.leftBreakout = false;
      break;
    case 'bot.breakout_room_left':
      bot.breakoutRoom = null;
      bot.leftBreakout = bot.enteredRoom !== null;
      break;
    case 'bot.breakout_room_closed':
      if (!bot.breakoutRoom || !room || bot.breakoutRoom.id !== room.id) return false;
      bot.breakoutRoom = null;
      bot.leftBreakout = true;
      break;
    default:
      return false;
  }
  bot.breakoutAt = event.at ?? bot.breakoutAt;
  return true;
}

/** Applies one event to its bot; returns whether anything changed. */
export function applyEvent(bot: TrackedBot, event: RecallEvent): boolean {
  if (event.event.startsWith('bot.breakout_room_')) return applyBreakout(bot, event);
  if (event.code) return applyStatus(bot, event.code, event);
  return false;
}

export function hasRecorded(bot: TrackedBot): boolean {
  return bot.spans.length > 0;
}

/** The bot got into the call, so it may have recorded even if the events saying so were lost. */
export function reachedCall(bot: TrackedBot): boolean {
  return bot.lastInCallAt !== null || bot.spans.length > 0;
}
