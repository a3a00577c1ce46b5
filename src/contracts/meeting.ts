import { z } from 'zod';
import { MeetingCoverageSchema } from './coverage';
import { MeetingRecordSchema } from './meeting-record';
import { PolicySchema } from './policy';
import { ROOM_STATES } from './status';

/** Zoom's own limit on breakout rooms per meeting. */
export const MAX_ROOMS = 100;

const ZOOM_HOST = /(^|\.)zoom\.(us|com)$|(^|\.)zoomgov\.com$/;

export const ZoomMeetingUrlSchema = z.url({ protocol: /^https$/ }).refine(
  (value) => {
    if (!URL.canParse(value)) return true; // z.url() already reported it
    const url = new URL(value);
    return ZOOM_HOST.test(url.hostname) && /^\/(j|w|s|my|wc\/join)\/[A-Za-z0-9.\-_]+/.test(url.pathname);
  },
  { message: 'must be a Zoom meeting link such as https://us02web.zoom.us/j/123456789?pwd=...' },
);

export const RoomKeySchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
    'must be 1-63 letters, digits, "-" or "_", starting with a letter or digit',
  );

export const ZoomJoinSchema = z.strictObject({
  userEmail: z.email().optional(),
  zakUrl: z.url({ protocol: /^https?$/ }).optional(),
  joinTokenUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export const RoomSpecSchema = z.strictObject({
  key: RoomKeySchema,
  name: z.string().min(1).max(200).optional(),
  botName: z.string().min(1).max(100).optional(),
  breakoutRoomId: z.string().min(1).max(200).optional(),
  zoom: ZoomJoinSchema.optional(),
});
export type RoomSpec = z.infer<typeof RoomSpecSchema>;

const MetadataSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'metadata keys are 1-64 letters, digits, "_", "." or "-"'),
    z.string().max(500),
  )
  .refine((m) => Object.keys(m).length <= 16, { message: 'at most 16 metadata entries' });

/** Transcript provider settings passed to Recall's recording_config.transcript. */
export const TranscriptSchema = z.strictObject({
  provider: z.record(z.string(), z.record(z.string(), z.unknown())).refine((p) => Object.keys(p).length === 1, {
    message: 'must name exactly one provider, e.g. { "recallai_streaming": { "mode": "prioritize_accuracy" } }',
  }),
  diarization: z.strictObject({ use_separate_streams_when_available: z.boolean() }).optional(),
});
export type Transcript = z.infer<typeof TranscriptSchema>;

/** The default must produce a transcript: Recall's own streaming model, tuned for accuracy. */
export const DEFAULT_TRANSCRIPT: Transcript = {
  provider: { recallai_streaming: { mode: 'prioritize_accuracy', language_code: 'en' } },
};

/**
 * Posted by each bot once it is in its room. Zoom breakout rooms have a chat of their own, and
 * Recall's `chat.on_bot_join` posts where the bot joins (the main room), so the notice is sent
 * after the bot was moved.
 */
export const DEFAULT_RECORDING_NOTICE =
  'This breakout room is being recorded (video, audio and a transcript) by a recording bot. ' +
  'If you do not want to be recorded, turn off your camera and microphone or leave the room, and tell the host.';

export const RecordingNoticeSchema = z.strictObject({
  enabled: z.boolean().optional().meta({ description: 'Default true: every recorded room gets the notice.' }),
  /** Zoom's chat limit. */
  text: z.string().trim().min(1).max(4096).optional(),
});

/**
 * Ready callbacks: Standard Webhooks-signed POSTs when the meeting (and, with `rooms`, each room)
 * completes. The signing secret is never in the input: `secretName` picks one of the worker's
 * `NOTIFY_SECRETS` (default: the one named `default`).
 */
export const NotifySchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  secretName: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"')
    .optional(),
  rooms: z.boolean().optional(),
});
export type Notify = z.infer<typeof NotifySchema>;

export const MeetingInputSchema = z
  .strictObject({
    meetingUrl: ZoomMeetingUrlSchema,
    rooms: z.array(RoomSpecSchema).min(1).max(MAX_ROOMS).optional(),
    roomCount: z.int().min(1).max(MAX_ROOMS).optional(),
    title: z.string().max(300).optional(),
    joinAt: z.iso.datetime({ offset: true }).optional(),
    /**
     * The meeting starts this long after the workflow's start (for a Temporal Schedule: after the
     * action's scheduled time), and the bots join then. A lead over 10 minutes gives scheduled
     * bots, which Recall reserves and never answers with 507.
     */
    scheduleLeadSeconds: z
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .optional(),
    endBy: z.iso.datetime({ offset: true }).optional(),
    botNamePrefix: z.string().min(1).max(80).optional(),
    transcript: TranscriptSchema.optional(),
    policy: PolicySchema.optional(),
    metadata: MetadataSchema.optional(),
    recordingNotice: RecordingNoticeSchema.optional(),
    notify: NotifySchema.optional(),
    /** Days after the meeting ends when its media at Recall and everything stored is deleted (0: at once). */
    retentionDays: z.number().min(0).max(3650).optional(),
  })
  .superRefine((input, ctx) => {
    if ((input.rooms === undefined) === (input.roomCount === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['rooms'], message: 'give either rooms or roomCount' });
    }
    const seen = new Set<string>();
    input.rooms?.forEach((room, i) => {
      if (seen.has(room.key))
        ctx.addIssue({ code: 'custom', path: ['rooms', i, 'key'], message: `duplicate room key "${room.key}"` });
      seen.add(room.key);
    });
    if (input.joinAt !== undefined && input.scheduleLeadSeconds !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['scheduleLeadSeconds'],
        message: 'give either joinAt or scheduleLeadSeconds',
      });
    }
    if (input.joinAt && input.endBy && Date.parse(input.endBy) <= Date.parse(input.joinAt)) {
      ctx.addIssue({ code: 'custom', path: ['endBy'], message: 'must be after joinAt' });
    }
  });
export type MeetingInput = z.input<typeof MeetingInputSchema>;
export type ValidMeetingInput = z.output<typeof MeetingInputSchema>;

/** The notice text each room's bot posts, or undefined when the meeting turned notices off. */
export function recordingNoticeText(input: Pick<ValidMeetingInput, 'recordingNotice'>): string | undefined {
  if (input.recordingNotice?.enabled === false) return undefined;
  return input.recordingNotice?.text ?? DEFAULT_RECORDING_NOTICE;
}

/** A room as the meeting workflow planned it: every default filled in. */
export interface PlannedRoom {
  key: string;
  name: string;
  botName: string;
  breakoutRoomId?: string;
  zoom?: z.infer<typeof ZoomJoinSchema>;
}

export const ROOM_OUTCOMES = ['recorded', 'partial', 'failed', 'cancelled'] as const;
export type RoomOutcome = (typeof ROOM_OUTCOMES)[number];

export const ARTIFACT_KINDS = [
  'video',
  'transcript',
  'participants',
  'participant_events',
  'speaker_timeline',
  'meeting_metadata',
] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/**
 * The meeting result, as a schema so other languages get it as JSON Schema
 * (`schemas/meeting-result.schema.json`); the TypeScript types derive from it.
 */
export const ArtifactSchema = z.strictObject({
  kind: z.enum(ARTIFACT_KINDS),
  uri: z.string(),
  bytes: z.int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  botId: z.string(),
  recordingId: z.string(),
});
export type Artifact = z.infer<typeof ArtifactSchema>;

/** An artifact Recall reported (or should have) that the store does not hold, and why. */
export const MissingArtifactSchema = z.strictObject({
  kind: z.enum(ARTIFACT_KINDS),
  botId: z.string(),
  recordingId: z.string().nullable(),
  reason: z.string(),
});
export type MissingArtifact = z.infer<typeof MissingArtifactSchema>;

export const BreakoutRoomRefSchema = z.strictObject({ id: z.string().nullable(), name: z.string().nullable() });
export type BreakoutRoomRef = z.infer<typeof BreakoutRoomRefSchema>;

export const BotSummarySchema = z.strictObject({
  id: z.string(),
  attempt: z.int().min(1),
  status: z.string().nullable(),
  subCode: z.string().nullable(),
  breakoutRoom: BreakoutRoomRefSchema.nullable().meta({
    description: 'The breakout room the bot actually entered last (null: it stayed in the main room).',
  }),
  recordedFrom: z.iso.datetime({ offset: true }).optional(),
  recordedUntil: z.iso.datetime({ offset: true }).optional(),
});
export type BotSummary = z.infer<typeof BotSummarySchema>;

export const RecordingGapSchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }).nullable(),
});
export type RecordingGap = z.infer<typeof RecordingGapSchema>;

/** One state change of a room, with its time: what coverage is computed from. */
export const RoomTimelineEntrySchema = z.strictObject({
  at: z.iso.datetime({ offset: true }),
  state: z.enum(ROOM_STATES),
  botId: z.string().optional(),
  note: z.string().optional(),
});
export type RoomTimelineEntry = z.infer<typeof RoomTimelineEntrySchema>;

/** A recording notice posted in the chat of the room a bot records. */
export const PostedNoticeSchema = z.strictObject({
  botId: z.string(),
  /** The Zoom breakout room it was posted in (its id, else its name). */
  breakoutRoom: z.string(),
  sentAt: z.iso.datetime({ offset: true }),
});

export type PostedNotice = z.infer<typeof PostedNoticeSchema>;

export const RoomResultSchema = z.strictObject({
  key: z.string(),
  name: z.string(),
  workflowId: z.string(),
  outcome: z.enum(ROOM_OUTCOMES),
  reason: z.string(),
  bots: z.array(BotSummarySchema),
  artifacts: z.array(ArtifactSchema),
  missing: z
    .array(MissingArtifactSchema)
    .meta({ description: 'Media that was recorded but is not in the store, each with the reason.' }),
  gaps: z.array(RecordingGapSchema),
  recordingNotices: z.array(PostedNoticeSchema).meta({
    description: 'The recording notice posted in each breakout room a bot of the room recorded, with when.',
  }),
  timeline: z.array(RoomTimelineEntrySchema).meta({
    description: 'Every state the room went through, with when: joining, waiting room, recording, backoff, …',
  }),
  placementWarning: z
    .string()
    .optional()
    .meta({ description: 'Set when a bot entered a breakout room other than the planned one.' }),
});
export type RoomResult = z.infer<typeof RoomResultSchema>;

export const MeetingResultSchema = z.strictObject({
  meetingWorkflowId: z.string(),
  title: z.string().optional(),
  rooms: z.array(RoomResultSchema),
  counts: z.record(z.enum(ROOM_OUTCOMES), z.int().min(0)),
  coverage: MeetingCoverageSchema.optional().meta({
    description: 'When each room was recorded and when not, and why; absent in results of older releases.',
  }),
  record: MeetingRecordSchema.optional().meta({
    description: 'The merged transcript and participant timeline of every room; absent in results of older releases.',
  }),
  manifestUri: z.string(),
});
export type MeetingResult = z.infer<typeof MeetingResultSchema>;

export interface RoomInput {
  meetingWorkflowId: string;
  meetingUrl: string;
  room: PlannedRoom;
  title?: string;
  joinAt?: string;
  endBy?: string;
  transcript: Transcript;
  policy: z.output<typeof PolicySchema>;
  metadata: Record<string, string>;
  /** The recording notice to post once the bot is in its room; absent: none (turned off, or an older run). */
  recordingNotice?: string;
}
