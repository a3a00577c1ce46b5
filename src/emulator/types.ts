import type { Logger } from 'pino';

/** Options of {@link startEmulator}. Times in meetings are emulated seconds; HTTP-facing limits are real time. */
export interface EmulatorOptions {
  /** Default 0 (random port); the host is always 127.0.0.1. */
  port?: number;
  /** Accepted as `Authorization: Token <key>` or a bare `<key>`; anything else gets 401 `{"detail":"Invalid token."}`. */
  apiKey: string;
  /** `whsec_...`; when set, webhooks are signed (Recall sends no signature headers until a secret exists). */
  webhookSecret?: string;
  /** Endpoints that receive every webhook (more can be added later). */
  webhookUrls?: string[];
  /** `webhook-*` headers (default) or the legacy `svix-*` ones. */
  webhookHeaderStyle?: 'standard' | 'svix';
  /** Emulated seconds per real second (default 1). 60 => a 1-hour meeting takes 1 real minute. */
  timeScale?: number;
  /** Seed of the PRNG behind every random choice (ids, fault dice). Default 1. */
  seed?: number;
  /**
   * Requests per real minute per endpoint category, per workspace; defaults 120 (Create Bot, current
   * API reference) / 60 (List Bots) / 300 (everything else), Recall's base limits. 0 disables a limit.
   */
  rateLimits?: Partial<Record<'create' | 'list' | 'default', number>>;
  /** Bots per List Bots page (default 50: Recall does not document its page size). */
  listPageSize?: number;
  /**
   * The undocumented `bot.breakout_room_*` webhooks: `standard` (default) puts the room at
   * `data.data.breakout_room`, `alternate` at `data.breakout_room` (the other shape third-party code
   * reads), `none` sends none at all. Bots are placed the same way in every mode.
   */
  breakoutEvents?: BreakoutEventsMode;
  /** Bots available to ad-hoc creates (join_at absent or <10 emulated minutes ahead). Default Infinity; refills over time. */
  adHocPoolSize?: number;
  /** Real seconds a media download URL lives; default 6 h. */
  downloadUrlTtlSeconds?: number;
  logger?: Logger;
}

export type BreakoutEventsMode = 'standard' | 'none' | 'alternate';

export interface Emulator {
  /** e.g. `http://127.0.0.1:PORT`; the API is under `/api/v1/...`. */
  baseUrl: string;
  createMeeting(spec: MeetingSpec): EmulatedMeeting;
  faults: Faults;
  audit: AuditLog;
  addWebhookUrl(url: string): void;
  /** The emulated clock's current time (emulated epoch ms); use it to compute `join_at` values. */
  now(): number;
  /** Stops the HTTP server, timers and pending webhook retries. */
  close(): Promise<void>;
}

export interface MeetingSpec {
  /** Zoom meeting number (digits); generated if absent. */
  id?: string;
  /** When set, `meeting_url` must carry `?pwd=<password>`, else the bot goes fatal `meeting_password_incorrect`. */
  password?: string;
  /** Default 'off'; 'admit' admits after `admitAfterSeconds` (default 5 emulated s). */
  waitingRoom?: 'off' | 'admit' | 'never_admit';
  admitAfterSeconds?: number;
  /** Bots joining before this go fatal `meeting_not_started` (default 0). */
  startsAfterSeconds?: number;
  /** The host ends the meeting at this emulated time after creation. */
  durationSeconds: number;
  mainRoom?: ParticipantSpec[];
  breakoutRooms: BreakoutRoomSpec[];
  /** Default 0: rooms open at meeting start. */
  breakoutOpensAtSeconds?: number;
  /** Default 'by_bot_name': the host moves a bot named like `BreakoutBot-3` into the 3rd room. */
  hostPlacement?: 'by_bot_name' | 'none';
  /**
   * The host does not grant Zoom local-recording permission: every bot reports
   * `recording_permission_denied` with this sub code (e.g. `zoom_local_recording_request_denied_by_host`)
   * instead of recording. Default: granted.
   */
  recordingPermissionDenied?: string;
  /**
   * Scripted participants moving between rooms (main room → breakout → main room), each at its
   * emulated time after creation. Bots in the rooms see them leave and join, as Recall reports it.
   */
  moves?: ParticipantMove[];
  /**
   * Recall fills a participant's `email` only with calendar-based participant identification; with
   * this set the emulator reports each participant's spec email, else `null` (the default).
   */
  identifiedEmails?: boolean;
}

export interface ParticipantMove {
  /** Emulated seconds after the meeting's creation. */
  atSeconds: number;
  /** The participant's name, as in the spec (names are unique within a spec that moves people). */
  name: string;
  /**
   * A breakout room's name, or null for the main room. A room not open yet takes the person when it
   * opens; a closed one cannot be entered (Zoom offers no way in), so that move does nothing.
   */
  to: string | null;
}

export interface BreakoutRoomSpec {
  /** Zoom breakout room id, generated (uuid-like) if absent. */
  id?: string;
  name: string;
  /** A bot created with `zoom.user_email` in this list goes straight to this room. */
  preassignedEmails?: string[];
  /** Emulated time at which the room closes: everyone in it returns to the main room. */
  closesAtSeconds?: number;
  participants: ParticipantSpec[];
}

export interface ParticipantSpec {
  name: string;
  email?: string;
  isHost?: boolean;
  /** Spoken one after another, every few emulated seconds, looping until the meeting ends. */
  lines?: string[];
}

export interface EmulatedMeeting {
  id: string;
  /** `https://us02web.zoom.us/j/<id>?pwd=...` */
  url: string;
  rooms: { id: string; name: string }[];
  end(): void;
  closeRoom(roomIdOrName: string): void;
}

export type FaultStage = 'joining_call' | 'in_waiting_room' | 'in_call_not_recording' | 'in_call_recording';
export type FailStatus = 429 | 507 | 500 | 502 | 503;

export interface Faults {
  failNextCreates(count: number, status: FailStatus, retryAfterSeconds?: number): void;
  /** The bot IS created (and cached under its Idempotency-Key), but the connection is destroyed before a response is written. */
  loseNextCreateResponses(count: number): void;
  /** The next bot(s) matching go fatal with `subCode` when they reach `stage`. */
  botFatal(match: BotMatch, subCode: string, stage: FaultStage): void;
  /** call_ended bot_kicked_from_call / bot_kicked_from_waiting_room, then done. */
  kickBot(botId: string, from?: 'call' | 'waiting_room'): void;
  /** fatal (default bot_errored) right now. */
  crashBot(botId: string, subCode?: string): void;
  /** Probabilities 0..1 rolled with the seeded PRNG. */
  webhooks(rates: WebhookFaultRates): void;
  /** Every webhook of matching bots is dropped (never delivered). */
  dropWebhooksFor(match: BotMatch): void;
  slowResponses(ms: number): void;
  /**
   * Every bot create is handled `ms` late (after any slowResponses wait): its Idempotency-Key is in
   * flight at once, but the bot exists, and a listing finds it, only from then on.
   */
  slowCreates(ms: number): void;
  /** Every download URL issued so far answers 403 from now on. */
  expireDownloadUrls(): void;
  /** Recall's hour passes for every Idempotency-Key used so far: a create repeating one makes a new bot. */
  expireIdempotencyKeys(): void;
  /**
   * Storage faults on media downloads (`/_media/...`) of matching bots' recordings, optionally one
   * file. They strike only a GET that would otherwise have succeeded. `match.count` = how many such
   * GETs of each matching file are hit (default: every GET; for `expire_after_retrieve`, 1).
   */
  mediaFault(match: BotMatch & { file?: MediaFile }, fault: MediaFault): void;
  /**
   * Matching bots' recordings and media stay `processing` (no download URLs) for `seconds` emulated
   * seconds after the bot is done, then become done. Applies to live bots and later ones.
   */
  lateProcessing(match: BotMatch, seconds: number): void;
  /**
   * Matching bots' `bot.in_call_*` and `bot.recording_permission_*` webhooks are held back and sent
   * only after their `bot.done` (or `bot.fatal`) webhook, as a backed-up queue delivers after an outage.
   */
  lateInCallWebhooks(match: BotMatch): void;
  /**
   * After a matching bot's `bot.done` (or `bot.fatal`), its first `bot.in_call_recording` message is
   * delivered again: same message id, fresh timestamp and signature (a Svix redelivery).
   */
  redeliverAfterDone(match: BotMatch): void;
  /**
   * Matching bots (live and later) are refused Zoom local-recording permission: `in_call_not_recording`,
   * then `recording_permission_denied` with `subCode` (default `zoom_local_recording_request_denied_by_host`)
   * when they would start recording; they never record, and leave after
   * `automatic_leave.recording_permission_denied_timeout` with `timeout_exceeded_recording_permission_denied`.
   */
  recordingPermissionDenied(match: BotMatch, subCode?: string): void;
  /** The next `match.count` (default: every) leave_call requests of matching bots answer `fault`. */
  failLeave(match: BotMatch, fault: LeaveFailure): void;
  /**
   * Matching bots created from now on (`match.count` of them) hang before the call: they reach
   * `stuck.stage` and stay there, ignoring `automatic_leave` (waiting room, no one joined), admission
   * and the meeting's end, until a leave_call takes effect (then `call_ended`
   * `bot_received_leave_call`, then `done`). The first `stuck.ignoreLeaves` leave_call requests are
   * accepted (200) and change nothing.
   */
  stuckBeforeCall(match: BotMatch, stuck?: StuckBeforeCall): void;
  reset(): void;
}

/**
 * `status`: a gateway error (5xx), the bot keeps running. `code`: 400 `cannot_command_unstarted_bot`,
 * as Recall answers for a scheduled bot that has not started yet.
 */
export type LeaveFailure = { status: number } | { code: 'cannot_command_unstarted_bot' };

/** How a bot hangs before the call (see {@link Faults.stuckBeforeCall}). */
export interface StuckBeforeCall {
  /**
   * `in_waiting_room` (default): the bot reports the lobby, whether or not the meeting has one, and is
   * never admitted. `joining_call`: the bot never gets past joining (an unknown state to the client).
   */
  stage?: 'joining_call' | 'in_waiting_room';
  /** leave_call requests accepted with 200 that the bot does not act on, before one does (default 0). */
  ignoreLeaves?: number;
}

/** Files a recording serves (`video` is `video_mixed.mp4`, the others their JSON files). */
export type MediaFile =
  | 'video'
  | 'transcript'
  | 'transcript_provider_data'
  | 'participants'
  | 'participant_events'
  | 'speaker_timeline'
  | 'meeting_metadata';

export type MediaFault =
  /** An S3-style XML error: 503 `SlowDown`, 404 `NoSuchKey`, 500 `InternalError`, 403 `AccessDenied`, … */
  | { type: 'status'; status: number }
  /** Headers and `afterBytes` of the body (default half), then the connection is reset (RST). */
  | { type: 'reset'; afterBytes?: number }
  /** Headers, then no byte for `ms` real ms (then the body, if the client is still there). */
  | { type: 'stall'; ms: number }
  /** `content-length` of the whole file, half of it sent, then the connection is closed (FIN). */
  | { type: 'short_body' }
  /** The URL used is already expired (403 `AccessDenied` "Request has expired"); a freshly retrieved URL works. */
  | { type: 'expire_after_retrieve' };

/** One fault that took effect, for a chaos run to confirm that what it scheduled actually hit. */
export interface FaultHit {
  /** e.g. `media_status`, `create_failure`, `webhook_drop` (the README lists them all). */
  fault: string;
  botId?: string;
  file?: MediaFile;
  /** Real epoch ms. */
  at: number;
  detail?: string;
}

export interface WebhookFaultRates {
  drop?: number;
  duplicate?: number;
  reorder?: number;
  delayMs?: number;
}

/** `count` = how many future bots the rule applies to (default: unlimited). */
export type BotMatch = { botName?: string; metadata?: Record<string, string>; count?: number };

export type ArtifactKind =
  'video' | 'transcript' | 'participants' | 'participant_events' | 'speaker_timeline' | 'meeting_metadata';

export interface WebhookDelivery {
  eventId: string;
  event: string;
  botId?: string;
  url: string;
  status: number | 'error' | 'dropped';
  at: number;
}

/** A message a bot posted with send_chat_message, and the room it was in at that moment. */
export interface ChatMessageRecord {
  botId: string;
  /** The breakout room the bot was in (null: the main room). */
  roomId: string | null;
  roomName: string | null;
  to: string;
  message: string;
  pin: boolean;
  /** Real epoch ms. */
  at: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface AuditLog {
  /** Every bot ever created, in creation order. */
  bots(): AuditBot[];
  bot(id: string): AuditBot | undefined;
  webhookDeliveries(): WebhookDelivery[];
  requests(): RequestRecord[];
  /** Every fault that took effect, in order. */
  faultHits(): FaultHit[];
  /** Every chat message a bot posted, in order. */
  chatMessages(): ChatMessageRecord[];
}

export interface AuditRecording {
  id: string;
  startedAt: number;
  endedAt?: number;
  artifacts: { kind: ArtifactKind; bytes: number; sha256: string }[];
  /** When delete_media removed it (real epoch ms). */
  deletedAt?: number;
}

export interface AuditBot {
  id: string;
  botName: string;
  meetingId: string;
  metadata: Record<string, string>;
  idempotencyKey?: string;
  /** Real epoch ms, like every `at` here. */
  createdAt: number;
  joinAt?: string;
  statuses: { code: string; subCode: string | null; at: number }[];
  /** `roomId: null` is the main room. */
  rooms: { roomId: string | null; roomName: string | null; enteredAt: number; leftAt?: number }[];
  /** Live = dispatched (joining_call) until done/fatal: what Recall bills. */
  liveFrom?: number;
  liveUntil?: number;
  recordings: AuditRecording[];
  /** Exactly the words the transcripts hold (words spoken in the bot's rooms while it recorded). */
  spokenWords: string[];
}
