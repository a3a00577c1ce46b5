/**
 * A room workflow's state and the operations every phase shares: delivering events to bots,
 * stopping, and publishing the state to operators. The phases (room-create, room-follow,
 * room-collect) act on a Room; the workflow (room-workflow) wires it to signals and queries.
 */
import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { RecallEvent, RoomInput, RoomResult, RoomTimelineEntry } from '../src/contracts';
import type { PostedNotice } from '../src/contracts/meeting';
import { BotIdSA, RoomStateSA } from '../src/contracts/search-attributes';
import type { RoomState, RoomStatus } from '../src/contracts/status';
import { applyEvent, type TrackedBot } from './bot-tracker';
import { summarize } from './room-result';

/** Event ids remembered for deduplication; older duplicates are stale anyway (bot state only moves forward). */
const SEEN_EVENTS_WINDOW = 2000;

/** Events kept for a bot the room does not know yet; a bot is known within seconds, so a few hundred is ample. */
const UNCLAIMED_EVENTS_KEPT = 200;

/** States a room passes through in seconds on its way to recording: shown in details, not searchable. */
const PASSING_STATES = new Set<RoomState>(['in_call', 'in_room']);

/** Everything a room knows, as plain JSON: what a continue-as-new would carry. */
export interface RoomMemory {
  bots: TrackedBot[];
  seenEventIds: string[];
  /** Events of a bot the room does not know yet (a webhook can beat the create call's answer). */
  unclaimedEvents: RecallEvent[];
  /** Creates asked so far; each gets its own idempotency key. */
  createSequence: number;
  stopReason: string | null;
  failReason: string | null;
  finishedReason: string | null;
  learnedRoomId?: string;
  placementWarning?: string;
  /** Every state change with its time, for the result (coverage is computed from it). */
  timeline: RoomTimelineEntry[];
  recordingNotices: PostedNotice[];
}

/** What one run of a room hands to the next when it continues as new. */
export interface CarriedRoom {
  memory: RoomMemory;
  state: RoomState;
  reportToMeeting: boolean;
}

export class Room {
  readonly memory: RoomMemory;
  readonly workflowId = workflowInfo().workflowId;
  state: RoomState = 'creating_bot';
  /** A meeting run that is not the room's parent (a reset meeting) asked for the result by signal. */
  reportToMeeting = false;
  /** Bumped whenever an event moved a bot, so waits can notice. */
  changes = 0;
  /** Events delivered to this run, duplicates included: each cost the history one event at least. */
  eventsThisRun = 0;
  result: RoomResult | undefined;
  private readonly seen: Set<string>;

  constructor(
    readonly input: RoomInput,
    /** The release whose behaviour this room keeps (see ROOM_RELEASE_0_3 in room-workflow.ts). */
    readonly release: '0.2' | '0.3',
    carried?: CarriedRoom,
  ) {
    this.memory = carried?.memory ?? {
      bots: [],
      seenEventIds: [],
      unclaimedEvents: [],
      createSequence: 0,
      stopReason: null,
      failReason: null,
      finishedReason: null,
      timeline: [{ at: new Date().toISOString(), state: 'creating_bot' }],
      recordingNotices: [],
      ...(input.room.breakoutRoomId ? { learnedRoomId: input.room.breakoutRoomId } : {}),
    };
    this.seen = new Set(this.memory.seenEventIds);
    if (carried) {
      this.state = carried.state;
      this.reportToMeeting = carried.reportToMeeting;
    }
  }

  /** Everything the next run needs; the rest (timers, counters) starts afresh. */
  carry(): CarriedRoom {
    return { memory: this.memory, state: this.state, reportToMeeting: this.reportToMeeting };
  }

  get policy(): RoomInput['policy'] {
    return this.input.policy;
  }

  /** The newest bot: the only one that can be live. */
  get current(): TrackedBot | undefined {
    return this.memory.bots.at(-1);
  }

  get stopping(): boolean {
    return this.memory.stopReason !== null;
  }

  stop(reason: string): void {
    this.memory.stopReason ??= reason;
  }

  setState(next: RoomState, note?: string): void {
    if (next === this.state && note === undefined) return;
    if (next !== this.state) {
      // Operators search by the states that matter; passing states cost the history an event each.
      if (!PASSING_STATES.has(next)) {
        upsertSearchAttributes([
          { key: RoomStateSA, value: next },
          { key: BotIdSA, value: this.current?.id ?? null },
        ]);
      }
      this.memory.timeline.push({
        at: new Date().toISOString(),
        state: next,
        ...(this.current ? { botId: this.current.id } : {}),
        ...(note ? { note } : {}),
      });
    }
    this.state = next;
    const { room, maxBotsPerRoom } = { room: this.input.room, maxBotsPerRoom: this.policy.maxBotsPerRoom };
    const bot = this.current;
    const why = note ?? this.memory.failReason ?? this.memory.stopReason;
    setCurrentDetails(
      `**${room.name}**: ${next}` +
        (bot ? ` · bot ${bot.attempt} of ${maxBotsPerRoom} (\`${bot.id}\`)` : '') +
        (why ? ` · ${why}` : ''),
    );
  }

  /** Where the room stands while this bot is its current one. */
  stateOfBot(bot: TrackedBot): RoomState {
    switch (bot.phase) {
      case 'pending':
        return this.input.joinAt ? 'scheduled' : 'joining';
      case 'joining':
        return 'joining';
      case 'waiting_room':
        return 'waiting_room';
      case 'in_call':
        return bot.recording ? 'recording' : bot.breakoutRoom ? 'in_room' : 'in_call';
      default:
        return this.stopping ? 'leaving' : this.state;
    }
  }

  /** A new or adopted bot becomes the room's current one, with any events that arrived before it. */
  track(bot: TrackedBot): void {
    bot.trackedAt = new Date().toISOString();
    this.memory.bots.push(bot);
    const early = this.memory.unclaimedEvents.filter((e) => e.botId === bot.id);
    this.memory.unclaimedEvents = this.memory.unclaimedEvents.filter((e) => e.botId !== bot.id);
    for (const event of early) if (applyEvent(bot, event)) this.noteBreakoutRoom(bot);
    this.setState(this.stateOfBot(bot));
  }

  /** A `recallEvent` signal or a polled status change; duplicates and stale events change nothing. */
  deliver(event: RecallEvent): void {
    this.eventsThisRun++;
    if (this.seen.has(event.eventId)) return;
    this.remember(event.eventId);
    const bot = this.memory.bots.find((b) => b.id === event.botId);
    if (!bot) {
      this.memory.unclaimedEvents.push(event);
      if (this.memory.unclaimedEvents.length > UNCLAIMED_EVENTS_KEPT) this.memory.unclaimedEvents.shift();
      return;
    }
    if (!applyEvent(bot, event)) return;
    this.changes++;
    this.noteBreakoutRoom(bot);
    if (bot === this.current) this.setState(this.stateOfBot(bot));
  }

  status(): RoomStatus {
    const bot = this.current;
    return {
      key: this.input.room.key,
      name: this.input.room.name,
      state: this.result?.outcome ?? this.state,
      attempt: bot?.attempt ?? 0,
      maxBots: this.policy.maxBotsPerRoom,
      botId: bot?.id ?? null,
      breakoutRoom: bot?.breakoutRoom ?? null,
      recordingSince: bot?.recording ? (bot.spans.at(-1)?.from ?? null) : null,
      reason: this.result?.reason ?? this.memory.failReason ?? this.memory.stopReason,
      bots: this.memory.bots.map(summarize),
    };
  }

  private remember(eventId: string): void {
    this.seen.add(eventId);
    this.memory.seenEventIds.push(eventId);
    if (this.memory.seenEventIds.length > SEEN_EVENTS_WINDOW) this.seen.delete(this.memory.seenEventIds.shift()!);
  }

  private noteBreakoutRoom(bot: TrackedBot): void {
    const entered = bot.breakoutRoom;
    if (!entered) return;
    const { room } = this.input;
    this.memory.learnedRoomId ??= entered.id ?? undefined;
    const planned = room.breakoutRoomId ? entered.id === room.breakoutRoomId : entered.name === room.name;
    if (planned) delete this.memory.placementWarning;
    else
      this.memory.placementWarning = `bot ${bot.id} entered breakout room "${entered.name ?? entered.id}", planned "${room.name}"`;
  }
}
