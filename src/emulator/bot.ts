import type { Logger } from 'pino';
import type { BotFaults } from './faults';
import { type BreakoutEvent, breakoutEventPayload } from './breakout-events';
import { type EmulatedClock, isoMicro } from './clock';
import type { Meeting, MeetingObserver, Person, Room } from './meeting';
import type { Prng } from './prng';
import { Recording, type TranscriptArtifact } from './recording';
import type { Scheduled, Scheduler } from './scheduler';
import { type AutomaticLeave, type CreateBotBody, DEFAULT_AUTOMATIC_LEAVE, DEFAULT_RECORDING_CONFIG } from './schemas';
import { Timing } from './timing';
import type { AuditBot, BreakoutEventsMode, FaultHit, FaultStage } from './types';
import type { WebhookMessage } from './webhooks';
import type { ZoomMeetingRef } from './zoom-url';

export interface BotContext {
  clock: EmulatedClock;
  scheduler: Scheduler;
  prng: Prng;
  seed: number;
  breakoutEvents: BreakoutEventsMode;
  logger: Logger;
  meetings: Map<string, Meeting>;
  /** Queues a webhook; the message, unless it was dropped, so that it can be redelivered. */
  emit(event: string, data: Record<string, unknown>, bot: Bot): WebhookMessage | undefined;
  /** Delivers an earlier message again, as Svix does (same id). */
  redeliver(message: WebhookMessage): void;
  faultHit(hit: Omit<FaultHit, 'at'>): void;
  /** Makes a new recording and its transcripts reachable by id over the API and `/_media/`. */
  registerRecording(bot: Bot, recording: Recording): void;
}

export type BotPhase = 'scheduled' | 'joining' | 'waiting_room' | 'in_call' | 'leaving' | 'done' | 'fatal' | 'deleted';

export interface StatusChange {
  code: string;
  message: string | null;
  created_at: string;
  sub_code: string | null;
}

export interface BotInit {
  id: string;
  body: CreateBotBody;
  meetingRef: ZoomMeetingRef;
  joinAt: number | undefined;
  audit: AuditBot;
  faults: BotFaults;
}

/** Webhooks the lateInCallWebhooks fault holds back until the bot is done. */
const IN_CALL_EVENTS = new Set([
  'in_call_not_recording',
  'in_call_recording',
  'recording_permission_allowed',
  'recording_permission_denied',
]);

/**
 * One Recall bot, from creation to done/fatal: joins the emulated meeting, waits, records, follows
 * the host's and Zoom's breakout moves, leaves on its automatic-leave rules or when told, and turns
 * each in_call_recording span into a recording with its media.
 */
export class Bot implements MeetingObserver {
  readonly id: string;
  readonly name: string;
  readonly body: CreateBotBody;
  readonly meetingRef: ZoomMeetingRef;
  readonly createdAt: number;
  readonly joinAt: number | undefined;
  readonly metadata: Record<string, string>;
  readonly audit: AuditBot;
  readonly statusChanges: StatusChange[] = [];
  readonly recordings: Recording[] = [];
  readonly recordingConfig: Record<string, unknown> | null;
  readonly automaticLeave: AutomaticLeave;
  phase: BotPhase = 'scheduled';
  /** Mutable: some faults are added while the bot is live. */
  readonly faults: BotFaults;
  private readonly heldWebhooks: { event: string; data: Record<string, unknown> }[] = [];
  private firstRecordingMessage: WebhookMessage | undefined;
  private meeting: Meeting | undefined;
  private roomId: string | null = null;
  private readonly visible = new Map<number, { person: Person; joinedAt: number }>();
  private seenSomeone = false;
  private callJoinedAt = 0;
  private recordingWanted: boolean;
  /** Zoom's host refused local recording: the bot never records. */
  private permissionRefused = false;
  private active: Recording | undefined;
  private readonly timers = new Map<string, Scheduled>();
  /** The stuckBeforeCall fault struck: the bot hangs before the call until a leave takes effect. */
  private hung = false;
  private leavesIgnored = 0;

  constructor(
    init: BotInit,
    private readonly ctx: BotContext,
  ) {
    this.id = init.id;
    this.body = init.body;
    this.name = init.body.bot_name ?? 'Meeting Notetaker';
    this.meetingRef = init.meetingRef;
    this.joinAt = init.joinAt;
    this.metadata = init.body.metadata ?? {};
    this.audit = init.audit;
    this.faults = init.faults;
    this.createdAt = ctx.clock.now();
    this.recordingConfig =
      init.body.recording_config === null ? null : { ...DEFAULT_RECORDING_CONFIG, ...init.body.recording_config };
    this.recordingWanted = this.recordingConfig !== null;
    this.automaticLeave = { ...DEFAULT_AUTOMATIC_LEAVE, ...init.body.automatic_leave };
    const delayMs = Math.max(0, (this.joinAt ?? 0) - this.createdAt);
    // Dispatch happens after the create response is written: Recall answers with `status_changes: []`.
    this.timer('dispatch', delayMs / 1000, () => this.dispatch());
  }

  get terminal(): boolean {
    return this.phase === 'done' || this.phase === 'fatal' || this.phase === 'deleted';
  }

  get dispatched(): boolean {
    return this.phase !== 'scheduled' && this.phase !== 'deleted';
  }

  get transcriptProvider(): Record<string, unknown> | null {
    const t = this.recordingConfig?.transcript as { provider?: Record<string, unknown> } | null | undefined;
    return t?.provider ?? null;
  }

  /** Where the bot is now: a breakout room, or the main room (null). */
  get room(): { id: string | null; name: string | null } {
    return { id: this.roomId, name: this.meeting?.room(this.roomId)?.name ?? null };
  }

  /** POST delete_media: every recording's media goes, and `recording.deleted` fires for each. */
  deleteMedia(): void {
    const now = this.ctx.clock.now();
    for (const recording of this.recordings) {
      if (recording.status === 'deleted') continue;
      recording.deleteMedia(now);
      this.recordingEvent('recording.deleted', recording);
    }
  }

  /** DELETE before dispatch. */
  delete(): void {
    this.clearTimers();
    this.phase = 'deleted';
  }

  /** POST leave_call; a hung bot may accept a few and act on none of them. */
  leaveCall(): void {
    const stuck = this.faults.stuck;
    if (this.hung && stuck && this.leavesIgnored < stuck.ignoreLeaves) {
      this.leavesIgnored++;
      this.ctx.faultHit({
        fault: 'leave_ignored',
        botId: this.id,
        detail: `${this.leavesIgnored} of ${stuck.ignoreLeaves}`,
      });
      return;
    }
    if (this.phase === 'joining' || this.phase === 'waiting_room' || this.phase === 'in_call') {
      this.leave('bot_received_leave_call');
    }
  }

  kick(from: 'call' | 'waiting_room' | undefined): void {
    const where = from ?? (this.phase === 'waiting_room' ? 'waiting_room' : 'call');
    if (this.phase === 'joining' || this.phase === 'waiting_room' || this.phase === 'in_call') {
      const subCode = where === 'waiting_room' ? 'bot_kicked_from_waiting_room' : 'bot_kicked_from_call';
      this.ctx.faultHit({ fault: 'kick', botId: this.id, detail: subCode });
      this.leave(subCode);
    }
  }

  crash(subCode = 'bot_errored'): void {
    if (this.terminal || !this.dispatched) return;
    this.ctx.faultHit({ fault: 'crash', botId: this.id, detail: subCode });
    this.fatal(subCode);
  }

  startRecordingCommand(): void {
    this.recordingWanted = true;
    if (this.phase === 'in_call' && !this.active)
      this.timer('record', Timing.recordingStartSeconds, () => this.startRecording());
  }

  stopRecordingCommand(): void {
    this.recordingWanted = false;
    this.clear('record');
    if (this.phase === 'in_call' && this.active) {
      this.endRecording();
      this.status('in_call_not_recording');
      this.timer('finalize', Timing.mediaSeconds, () => this.finalizeRecordings());
    }
  }

  // ---- MeetingObserver ----

  roomsOpened(rooms: Room[]): void {
    if (this.phase !== 'in_call' || this.roomId !== null) return;
    for (const room of rooms) this.breakoutEvent('bot.breakout_room_opened', room);
    this.place();
  }

  roomClosed(room: Room): void {
    if (this.phase !== 'in_call') return;
    if (this.roomId === room.id) this.moveTo(null);
    if (this.roomId === null) this.breakoutEvent('bot.breakout_room_closed', room);
  }

  occupancyChanged(): void {
    this.refreshView(false);
  }

  meetingEnded(): void {
    if (this.phase === 'waiting_room' || this.phase === 'in_call') this.leave('call_ended_by_host');
  }

  // ---- lifecycle ----

  private dispatch(): void {
    this.phase = 'joining';
    this.audit.liveFrom = Date.now();
    this.status('joining_call');
    this.faultAt('joining_call');
    if (this.faults.stuck?.stage === 'joining_call') return this.hang('joining_call');
    this.timer('join', Timing.joinSeconds, () => this.arrive());
  }

  /**
   * The stuckBeforeCall fault: no automatic-leave timer, no admission, no meeting to observe (so not
   * its end either). Only a leave_call, a kick or a crash ends the bot.
   */
  private hang(stage: 'joining_call' | 'in_waiting_room'): void {
    this.hung = true;
    this.ctx.faultHit({ fault: 'stuck_before_call', botId: this.id, detail: stage });
  }

  private arrive(): void {
    const meeting = this.ctx.meetings.get(this.meetingRef.meetingId);
    if (!meeting) return this.fatal('meeting_not_found');
    if (meeting.password !== null && meeting.password !== this.meetingRef.password) {
      return this.fatal('meeting_password_incorrect');
    }
    if (meeting.ended) return this.fatal('meeting_ended');
    if (this.ctx.clock.now() < meeting.startAt) return this.fatal('meeting_not_started');
    if (this.faults.stuck?.stage === 'in_waiting_room') {
      this.phase = 'waiting_room';
      this.status('in_waiting_room');
      this.faultAt('in_waiting_room');
      return this.hang('in_waiting_room');
    }
    this.meeting = meeting;
    meeting.observe(this);
    if (meeting.waitingRoom === 'off') return this.enterCall();
    this.phase = 'waiting_room';
    this.status('in_waiting_room');
    this.faultAt('in_waiting_room');
    this.timer('waitingRoom', this.automaticLeave.waiting_room_timeout, () =>
      this.leave('timeout_exceeded_waiting_room'),
    );
    if (meeting.waitingRoom === 'admit') this.timer('admit', meeting.admitAfterSeconds, () => this.enterCall());
  }

  private enterCall(): void {
    this.clear('waitingRoom');
    this.phase = 'in_call';
    this.callJoinedAt = this.ctx.clock.now();
    this.roomId = null;
    this.audit.rooms.push({ roomId: null, roomName: null, enteredAt: Date.now() });
    this.notRecording();
    for (const room of this.meeting!.rooms)
      if (room.state === 'open') this.breakoutEvent('bot.breakout_room_opened', room);
    this.refreshView(false);
    if (this.visible.size === 0) {
      this.timer('nooneJoined', this.automaticLeave.noone_joined_timeout, () =>
        this.leave('timeout_exceeded_noone_joined'),
      );
    }
    this.place();
  }

  private notRecording(): void {
    this.status('in_call_not_recording');
    this.faultAt('in_call_not_recording');
    this.timer('notRecording', this.automaticLeave.in_call_not_recording_timeout, () =>
      this.leave('timeout_exceeded_in_call_not_recording'),
    );
  }

  /** Who moves this bot into a breakout room, per its `breakout_room` mode (reference §7). */
  private place(): void {
    const meeting = this.meeting;
    if (this.phase !== 'in_call' || this.roomId !== null || !meeting) return;
    const mode = this.body.breakout_room?.mode ?? 'auto_accept_all_invites';
    if (mode === 'join_main_room') return;
    let target: Room | undefined;
    let delay: number = Timing.selfMoveSeconds;
    if (mode === 'join_specific_room') {
      target = meeting.room(this.body.breakout_room?.room_id ?? null);
    } else {
      const email = this.body.zoom?.user_email?.toLowerCase();
      target = email ? meeting.rooms.find((r) => r.preassignedEmails.includes(email)) : undefined;
      if (!target && meeting.hostPlacement === 'by_bot_name') {
        const n = /-(\d+)$/.exec(this.name);
        target = n ? meeting.rooms[Number(n[1]) - 1] : undefined;
        delay = Timing.hostMoveSeconds;
      }
    }
    if (!target || target.state !== 'open') return;
    const room = target;
    this.timer('place', delay, () => {
      if (this.phase === 'in_call' && this.roomId === null && room.state === 'open') this.moveTo(room.id);
    });
  }

  private moveTo(roomId: string | null): void {
    const meeting = this.meeting!;
    const old = meeting.room(this.roomId);
    const now = this.ctx.clock.now();
    const entry = this.audit.rooms[this.audit.rooms.length - 1];
    if (entry) entry.leftAt = Date.now();
    const next = meeting.room(roomId);
    this.audit.rooms.push({ roomId, roomName: next?.name ?? null, enteredAt: Date.now() });
    if (old) this.breakoutEvent('bot.breakout_room_left', old);
    this.roomId = roomId;
    this.active?.moved(roomId, now);
    if (next) this.breakoutEvent('bot.breakout_room_entered', next);
    // From the bot's point of view everyone leaves and the new room's people join (Recall breakout guide).
    this.refreshView(true);
  }

  private refreshView(moved: boolean): void {
    if (this.phase !== 'in_call' || !this.meeting) return;
    const now = this.ctx.clock.now();
    const present = this.meeting.peopleIn(this.roomId);
    const here = new Set(present.map((p) => p.pid));
    for (const [pid, seen] of this.visible) {
      if (moved || !here.has(pid)) {
        this.visible.delete(pid);
        this.active?.addEvent('leave', seen.person, now);
      }
    }
    for (const person of present) {
      if (this.visible.has(person.pid)) continue;
      this.visible.set(person.pid, { person, joinedAt: now });
      this.active?.addEvent('join', person, now);
    }
    if (this.visible.size > 0) {
      this.seenSomeone = true;
      this.clear('nooneJoined');
      this.clear('everyoneLeft');
      this.maybeStartRecording();
    } else if (this.seenSomeone && !this.timers.has('everyoneLeft')) {
      const rule = this.automaticLeave.everyone_left_timeout;
      const { timeout, activate_after } = typeof rule === 'number' ? { timeout: rule, activate_after: 0 } : rule;
      const activeFrom = this.callJoinedAt + (activate_after ?? 0) * 1000;
      const delay = Math.max(timeout, (activeFrom - now) / 1000);
      this.timer('everyoneLeft', delay, () => this.leave('timeout_exceeded_everyone_left'));
    }
    if (this.visible.size === 0 && this.body.recording_config?.start_recording_on === 'call_join')
      this.maybeStartRecording();
  }

  private maybeStartRecording(): void {
    if (this.phase !== 'in_call' || this.active || !this.recordingWanted || this.timers.has('record')) return;
    if (this.permissionRefused) return;
    this.timer('record', Timing.recordingStartSeconds, () => this.startRecording());
  }

  private startRecording(): void {
    if (this.phase !== 'in_call' || this.active) return;
    const onJoin = (this.recordingConfig?.start_recording_on ?? 'participant_join') !== 'call_join';
    if (onJoin && this.visible.size === 0 && this.recordingWanted && this.recordingConfig !== null) return;
    const denied = this.faults.recordingPermissionDenied ?? this.meeting!.recordingPermissionDenied;
    if (denied !== undefined) return this.refusePermission(denied);
    const now = this.ctx.clock.now();
    const id = this.ctx.prng.uuid();
    const audit = { id, startedAt: Date.now(), artifacts: [] };
    this.audit.recordings.push(audit);
    const recording = new Recording(
      id,
      now,
      this.roomId,
      [...this.visible.values()],
      this.meeting!,
      this.ctx.prng,
      this.ctx.seed,
      audit,
    );
    const provider = this.transcriptProvider;
    if (provider) recording.transcripts.push(this.newTranscript(provider, now));
    this.recordings.push(recording);
    this.ctx.registerRecording(this, recording);
    this.active = recording;
    this.clear('notRecording');
    this.status('in_call_recording');
    this.recordingEvent('recording.processing', recording);
    this.faultAt('in_call_recording');
    const cap = this.automaticLeave.in_call_recording_timeout;
    if (cap) this.timer('recordingTimeout', cap, () => this.leave('timeout_exceeded_in_call_recording'));
  }

  /** The bot asked the host for local-recording permission and was refused (reference §3, §7). */
  private refusePermission(subCode: string): void {
    if (this.permissionRefused) return;
    this.permissionRefused = true;
    this.ctx.faultHit({ fault: 'recording_permission_denied', botId: this.id, detail: subCode });
    this.status('recording_permission_denied', subCode);
    this.timer('permissionDenied', this.automaticLeave.recording_permission_denied_timeout, () =>
      this.leave('timeout_exceeded_recording_permission_denied'),
    );
  }

  newTranscript(
    provider: Record<string, unknown>,
    at: number,
    diarization?: Record<string, unknown> | null,
  ): TranscriptArtifact {
    const configured = this.recordingConfig?.transcript as { diarization?: Record<string, unknown> } | null | undefined;
    return {
      id: this.ctx.prng.uuid(),
      createdAt: at,
      status: 'processing',
      updatedAt: at,
      provider,
      diarization: diarization ?? configured?.diarization ?? { use_separate_streams_when_available: false },
    };
  }

  private endRecording(): void {
    const recording = this.active;
    if (!recording) return;
    recording.end(this.ctx.clock.now());
    const audit = recording.audit;
    audit.endedAt = Date.now();
    this.active = undefined;
    this.clear('recordingTimeout');
  }

  private leave(subCode: string): void {
    if (this.phase !== 'joining' && this.phase !== 'waiting_room' && this.phase !== 'in_call') return;
    this.exitCall();
    this.phase = 'leaving';
    this.status('call_ended', subCode);
    this.timer('done', Timing.leaveSeconds, () => {
      this.phase = 'done';
      this.audit.liveUntil = Date.now();
      this.status('done');
      this.afterTerminal();
    });
  }

  private fatal(subCode: string): void {
    this.exitCall();
    this.phase = 'fatal';
    this.audit.liveUntil = Date.now();
    this.status('fatal', subCode);
    this.afterTerminal();
  }

  /** After bot.done/bot.fatal: held and redelivered webhooks, then the media pipeline. */
  private afterTerminal(): void {
    if (this.heldWebhooks.length > 0) {
      const held = this.heldWebhooks.splice(0);
      this.ctx.faultHit({
        fault: 'late_in_call_webhooks',
        botId: this.id,
        detail: held.map((h) => h.event).join(','),
      });
      for (const h of held) {
        const message = this.ctx.emit(h.event, h.data, this);
        if (h.event === 'bot.in_call_recording') this.firstRecordingMessage ??= message;
      }
    }
    if (this.faults.redeliverAfterDone && this.firstRecordingMessage) {
      this.ctx.faultHit({ fault: 'redeliver_after_done', botId: this.id, detail: this.firstRecordingMessage.msgId });
      this.ctx.redeliver(this.firstRecordingMessage);
    }
    const late = this.recordings.some((r) => !r.finalized) ? this.faults.lateProcessingSeconds : 0;
    if (late > 0) this.ctx.faultHit({ fault: 'late_processing', botId: this.id, detail: `${late} s` });
    this.timer('finalize', Timing.mediaSeconds + late, () => this.finalizeRecordings());
  }

  /** Stops everything tied to being in the meeting; the media pipeline continues. */
  private exitCall(): void {
    this.clearTimers();
    this.endRecording();
    this.meeting?.unobserve(this);
    const entry = this.audit.rooms[this.audit.rooms.length - 1];
    if (entry && entry.leftAt === undefined) entry.leftAt = Date.now();
    this.visible.clear();
  }

  /** Media for every ended recording: recording.done, the media `*.done` events, then the transcript. */
  private finalizeRecordings(): void {
    for (const recording of this.recordings) {
      if (recording.recording || recording.finalized) continue;
      this.audit.spokenWords.push(...recording.finalize());
      const now = this.ctx.clock.now();
      recording.status = 'done';
      recording.updatedAt = now;
      this.recordingEvent('recording.done', recording);
      this.mediaEvent('video_mixed', recording.mediaIds.video_mixed, recording);
      this.mediaEvent('participant_events', recording.mediaIds.participant_events, recording);
      this.mediaEvent('meeting_metadata', recording.mediaIds.meeting_metadata, recording);
      for (const transcript of recording.transcripts) this.completeTranscript(recording, transcript);
    }
  }

  /** transcript.processing now, transcript.done a little later (the transcript needs the recording). */
  completeTranscript(recording: Recording, transcript: TranscriptArtifact): void {
    this.mediaEvent('transcript', transcript.id, recording, 'processing');
    this.ctx.scheduler.after(this.ctx.clock.realMs(Timing.transcriptSeconds), () => {
      if (transcript.status === 'deleted') return;
      transcript.status = 'done';
      transcript.updatedAt = this.ctx.clock.now();
      this.mediaEvent('transcript', transcript.id, recording, 'done');
    });
  }

  // ---- events ----

  private status(code: string, subCode: string | null = null): void {
    const updatedAt = isoMicro(this.ctx.clock.now());
    this.statusChanges.push({ code, message: null, created_at: updatedAt, sub_code: subCode });
    this.audit.statuses.push({ code, subCode, at: Date.now() });
    const event = `bot.${code}`;
    const data = { data: { code, sub_code: subCode, updated_at: updatedAt }, bot: this.ref() };
    if (this.faults.holdInCallWebhooks && IN_CALL_EVENTS.has(code)) {
      this.heldWebhooks.push({ event, data });
      return;
    }
    const message = this.ctx.emit(event, data, this);
    if (code === 'in_call_recording') this.firstRecordingMessage ??= message;
  }

  private breakoutEvent(event: BreakoutEvent, room: Room): void {
    const payload = breakoutEventPayload(
      this.ctx.breakoutEvents,
      event,
      room,
      isoMicro(this.ctx.clock.now()),
      this.ref(),
    );
    if (payload) this.ctx.emit(event, payload, this);
  }

  private recordingEvent(event: string, recording: Recording): void {
    const code = event.slice('recording.'.length);
    this.ctx.emit(
      event,
      {
        data: { code, sub_code: null, updated_at: isoMicro(recording.updatedAt) },
        recording: { id: recording.id, metadata: {} },
        bot: this.ref(),
      },
      this,
    );
  }

  private mediaEvent(kind: string, id: string, recording: Recording, code: 'processing' | 'done' = 'done'): void {
    this.ctx.emit(
      `${kind}.${code}`,
      {
        data: { code, sub_code: null, updated_at: isoMicro(this.ctx.clock.now()) },
        [kind]: { id, metadata: {} },
        recording: { id: recording.id, metadata: {} },
        bot: this.ref(),
      },
      this,
    );
  }

  private ref(): { id: string; metadata: Record<string, string> } {
    return { id: this.id, metadata: this.metadata };
  }

  // ---- faults and timers ----

  /**
   * Applies a botFatal fault half an emulated second after `stage` is reached: soon enough to beat
   * the next step (the shortest is 1 s), late enough that a recording stage leaves a recording.
   */
  private faultAt(stage: FaultStage): void {
    const i = this.faults.fatalAt.findIndex((f) => f.stage === stage);
    if (i < 0) return;
    const [fault] = this.faults.fatalAt.splice(i, 1);
    this.timer('fault', 0.5, () => {
      this.ctx.faultHit({ fault: 'bot_fatal', botId: this.id, detail: `${fault!.subCode} at ${stage}` });
      this.fatal(fault!.subCode);
    });
  }

  private timer(name: string, seconds: number, fn: () => void): void {
    this.timers.get(name)?.cancel();
    this.timers.set(
      name,
      this.ctx.scheduler.after(this.ctx.clock.realMs(seconds), () => {
        this.timers.delete(name);
        fn();
      }),
    );
  }

  private clear(name: string): void {
    this.timers.get(name)?.cancel();
    this.timers.delete(name);
  }

  private clearTimers(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
