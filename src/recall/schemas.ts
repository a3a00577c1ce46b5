/**
 * Schemas of what Recall sends us (API v1.11 responses, downloads and webhooks).
 *
 * Parsing is deliberately lenient: Recall adds status codes, sub codes, event names and fields
 * without notice, so codes are plain strings, objects are loose (unknown fields are kept), and
 * collections that may be omitted or null read as empty. Only what the project relies on is
 * required.
 */
import { z } from 'zod';

/** Recall omits or nulls empty collections depending on API version and object state. */
function emptyWhenMissing<T extends z.ZodType>(schema: T, empty: () => z.input<T>) {
  return z.preprocess((value) => value ?? empty(), schema);
}

/**
 * Metadata maps are string-to-string by contract; a non-string value (from another writer, or a
 * future Recall change) is dropped rather than failing the whole object.
 */
const stringMap = () =>
  emptyWhenMissing(z.record(z.string(), z.unknown()), () => ({})).transform((map): Record<string, string> =>
    Object.fromEntries(Object.entries(map).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
  );
const nullableString = () => z.string().nullish();
/** Sub codes are null for most statuses and absent in some payloads; both mean "none". */
const subCode = () => emptyWhenMissing(z.string().nullable(), () => null);

export const StatusChangeSchema = z.looseObject({
  code: z.string(),
  sub_code: subCode(),
  created_at: z.string(),
  message: nullableString(),
});
export type StatusChange = z.infer<typeof StatusChangeSchema>;

/** Status of a recording or media object: `processing | paused | done | failed | deleted | …`. */
export const ObjectStatusSchema = z.looseObject({
  code: z.string(),
  sub_code: subCode(),
  updated_at: nullableString(),
});
export type ObjectStatus = z.infer<typeof ObjectStatusSchema>;

const mediaObject = <D extends z.ZodType>(data: D) =>
  z.looseObject({
    id: z.string(),
    created_at: nullableString(),
    status: ObjectStatusSchema,
    metadata: z.record(z.string(), z.unknown()).nullish(),
    // Download URLs appear only once the object is `done`.
    data: data.nullish(),
  });

export const VideoMixedShortcutSchema = mediaObject(z.looseObject({ download_url: nullableString() })).extend({
  format: nullableString(),
});
export type VideoMixedShortcut = z.infer<typeof VideoMixedShortcutSchema>;

export const TranscriptShortcutSchema = mediaObject(
  z.looseObject({ download_url: nullableString(), provider_data_download_url: nullableString() }),
);
export type TranscriptShortcut = z.infer<typeof TranscriptShortcutSchema>;

export const ParticipantEventsShortcutSchema = mediaObject(
  z.looseObject({
    participant_events_download_url: nullableString(),
    speaker_timeline_download_url: nullableString(),
    participants_download_url: nullableString(),
  }),
);
export type ParticipantEventsShortcut = z.infer<typeof ParticipantEventsShortcutSchema>;

export const MeetingMetadataShortcutSchema = mediaObject(
  z.looseObject({ title: nullableString(), zoom: z.looseObject({ meeting_uuid: nullableString() }).nullish() }),
);
export type MeetingMetadataShortcut = z.infer<typeof MeetingMetadataShortcutSchema>;

/** Each entry is null when that output was not configured (e.g. no transcript provider). */
export const MediaShortcutsSchema = z.looseObject({
  video_mixed: VideoMixedShortcutSchema.nullish(),
  transcript: TranscriptShortcutSchema.nullish(),
  participant_events: ParticipantEventsShortcutSchema.nullish(),
  meeting_metadata: MeetingMetadataShortcutSchema.nullish(),
});
export type MediaShortcuts = z.infer<typeof MediaShortcutsSchema>;

export const RecordingSchema = z.looseObject({
  id: z.string(),
  created_at: nullableString(),
  started_at: nullableString(),
  completed_at: nullableString(),
  expires_at: nullableString(),
  status: ObjectStatusSchema,
  media_shortcuts: emptyWhenMissing(MediaShortcutsSchema, () => ({})),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type Recording = z.infer<typeof RecordingSchema>;

/** Requests send `meeting_url` as a string; responses parse it into a per-platform object. */
export const MeetingUrlSchema = z.union([
  z.string(),
  z.looseObject({ platform: nullableString(), meeting_id: z.union([z.string(), z.number()]).nullish() }),
]);
export type MeetingUrl = z.infer<typeof MeetingUrlSchema>;

export const BotBreakoutRoomSettingSchema = z.looseObject({
  mode: nullableString(),
  room_id: z.union([z.string(), z.number()]).nullish(),
});

export const BotSchema = z.looseObject({
  id: z.string(),
  bot_name: nullableString(),
  meeting_url: MeetingUrlSchema.nullish(),
  join_at: nullableString(),
  metadata: stringMap(),
  status_changes: emptyWhenMissing(z.array(StatusChangeSchema), () => []),
  recordings: emptyWhenMissing(z.array(RecordingSchema), () => []),
  automatic_leave: z.record(z.string(), z.unknown()).nullish(),
  breakout_room: BotBreakoutRoomSettingSchema.nullish(),
});
export type Bot = z.infer<typeof BotSchema>;

/** v1.11 bots have no top-level status: the current one is the last status change. */
export function currentStatus(bot: Pick<Bot, 'status_changes'>): StatusChange | undefined {
  return bot.status_changes.at(-1);
}

/** DRF pagination; `next` is a full URL to follow verbatim. */
export const BotListPageSchema = z.looseObject({
  count: z.number().nullish(),
  next: emptyWhenMissing(z.string().nullable(), () => null),
  previous: nullableString(),
  results: z.array(BotSchema),
});
export type BotListPage = z.infer<typeof BotListPageSchema>;

export const TranscriptArtifactSchema = z.looseObject({
  id: z.string(),
  created_at: nullableString(),
  status: ObjectStatusSchema,
  data: z.looseObject({ download_url: nullableString(), provider_data_download_url: nullableString() }).nullish(),
  diarization: z.record(z.string(), z.unknown()).nullish(),
  provider: z.record(z.string(), z.unknown()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  recording: z.looseObject({ id: z.string() }).nullish(),
});
export type TranscriptArtifact = z.infer<typeof TranscriptArtifactSchema>;

// ---- Download payloads (the JSON behind media download URLs) ----

/** `relative` is seconds from recording start; `absolute` is ISO (newer) or a number (older). */
export const TimestampSchema = z.looseObject({
  relative: z.number().nullish(),
  absolute: z.union([z.string(), z.number()]).nullish(),
});
export type Timestamp = z.infer<typeof TimestampSchema>;

/** Participant ids are unique only within one meeting; the speaker can be null early on. */
export const ParticipantSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  name: nullableString(),
  is_host: z.boolean().nullish(),
  platform: nullableString(),
  extra_data: z.record(z.string(), z.unknown()).nullish(),
  email: nullableString(),
});
export type Participant = z.infer<typeof ParticipantSchema>;

export const TranscriptWordSchema = z.looseObject({
  text: z.string(),
  // Caption-based transcripts have no per-word timestamps.
  start_timestamp: TimestampSchema.nullish(),
  end_timestamp: TimestampSchema.nullish(),
});
export type TranscriptWord = z.infer<typeof TranscriptWordSchema>;

export const TranscriptPartSchema = z.looseObject({
  participant: ParticipantSchema.nullish(),
  words: z.array(TranscriptWordSchema),
});
export type TranscriptPart = z.infer<typeof TranscriptPartSchema>;

export const TranscriptDownloadSchema = z.array(TranscriptPartSchema);
export type TranscriptDownload = z.infer<typeof TranscriptDownloadSchema>;

export const ParticipantsDownloadSchema = z.array(ParticipantSchema);

/** `action` is an open set: join, leave, update, speech_on/off, webcam_on/off, screenshare_on/off, chat_message, … */
export const ParticipantEventSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).nullish(),
  action: z.string(),
  participant: ParticipantSchema,
  timestamp: TimestampSchema,
  data: z.looseObject({ text: nullableString(), to: nullableString() }).nullish(),
});
export type ParticipantEvent = z.infer<typeof ParticipantEventSchema>;

export const ParticipantEventsDownloadSchema = z.array(ParticipantEventSchema);

/** Negative relative times mean speech before the recording started. */
export const SpeakerTimelineEntrySchema = z.looseObject({
  participant: ParticipantSchema.nullish(),
  start_timestamp: z.union([TimestampSchema, z.number()]).nullish(),
  end_timestamp: z.union([TimestampSchema, z.number()]).nullish(),
});
export type SpeakerTimelineEntry = z.infer<typeof SpeakerTimelineEntrySchema>;

export const SpeakerTimelineDownloadSchema = z.array(SpeakerTimelineEntrySchema);

// ---- Webhooks ----

/** `{id, metadata}` references to the bot, recording or media object an event is about. */
export const ObjectRefSchema = z.looseObject({ id: z.string(), metadata: stringMap() });
export type ObjectRef = z.infer<typeof ObjectRefSchema>;

/**
 * ASSUMPTION (the only place it lives): the payload of `bot.breakout_room_opened|closed|entered|left`.
 * Recall's public docs do not show it; third-party handlers disagree on where the room sits:
 * `data.data.breakout_room.{id, name}` inside the standard bot envelope, or `data.breakout_room`.
 * Both are read. Parsing is lenient and a malformed room never fails the event: it reads as absent,
 * and `breakoutRoomOf` returns undefined.
 */
export const BreakoutRoomRefSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  name: nullableString(),
});
export type BreakoutRoomRef = z.infer<typeof BreakoutRoomRefSchema>;

export const BREAKOUT_ROOM_EVENTS = [
  'bot.breakout_room_opened',
  'bot.breakout_room_closed',
  'bot.breakout_room_entered',
  'bot.breakout_room_left',
] as const;
export type BreakoutRoomEventName = (typeof BREAKOUT_ROOM_EVENTS)[number];

/** The inner `data.data`: status for bot/recording/media events, room for breakout events. */
export const WebhookEventStatusSchema = z.looseObject({
  code: nullableString(),
  sub_code: nullableString(),
  updated_at: nullableString(),
  breakout_room: BreakoutRoomRefSchema.nullish().catch(undefined),
});

/**
 * Dashboard webhook: `{event, data: {data, bot, recording?, <media object>?}}`. `event` is an open
 * set (`bot.*`, `recording.*`, `video_mixed.*`, `transcript.*`, `participant_events.*`,
 * `meeting_metadata.*`, `calendar.*`, …). `bot` is null for recordings not made by a bot.
 */
export const WebhookEventSchema = z.looseObject({
  event: z.string(),
  data: emptyWhenMissing(
    z.looseObject({
      data: WebhookEventStatusSchema.nullish(),
      breakout_room: BreakoutRoomRefSchema.nullish().catch(undefined),
      bot: ObjectRefSchema.nullish(),
      recording: ObjectRefSchema.nullish(),
      video_mixed: ObjectRefSchema.nullish(),
      transcript: ObjectRefSchema.nullish(),
      participant_events: ObjectRefSchema.nullish(),
      meeting_metadata: ObjectRefSchema.nullish(),
    }),
    () => ({}),
  ),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

export function isBreakoutRoomEvent(event: Pick<WebhookEvent, 'event'>): boolean {
  return (BREAKOUT_ROOM_EVENTS as readonly string[]).includes(event.event);
}

/** The Zoom breakout room a breakout event is about, when the payload names one. */
export function breakoutRoomOf(event: WebhookEvent): BreakoutRoomRef | undefined {
  return event.data.data?.breakout_room ?? event.data.breakout_room ?? undefined;
}
