/**
 * What a meeting returns: the result schemas (JSON Schema for other languages). Re-exports the
 * input schemas and the plain values, so `contracts/meeting` is the whole meeting contract.
 */
import { z } from 'zod';
import { MeetingCoverageSchema } from './coverage';
import { MeetingRecordSchema } from './meeting-record';
import { ARTIFACT_KINDS, ROOM_OUTCOMES } from './meeting-constants';
import type { Transcript, ZoomJoinSchema } from './meeting-input';
import type { PolicySchema } from './policy';
import { ROOM_STATES } from './status';

export * from './meeting-constants';
export * from './meeting-input';

/** A room as the meeting workflow planned it: every default filled in. */
export interface PlannedRoom {
  key: string;
  name: string;
  botName: string;
  breakoutRoomId?: string;
  zoom?: z.infer<typeof ZoomJoinSchema>;
}

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
