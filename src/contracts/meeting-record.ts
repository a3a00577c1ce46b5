import { z } from 'zod';

/**
 * The meeting as one record: every room's transcript merged into one, ordered by absolute time and
 * labelled with room and speaker, and one participant timeline (who was in which room, when).
 */
export const MEETING_ARTIFACT_KINDS = ['meeting_transcript', 'participant_timeline'] as const;
export type MeetingArtifactKind = (typeof MEETING_ARTIFACT_KINDS)[number];

export const MeetingArtifactSchema = z.strictObject({
  kind: z.enum(MEETING_ARTIFACT_KINDS),
  format: z.enum(['json', 'txt', 'vtt']),
  uri: z.string(),
  bytes: z.int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type MeetingArtifact = z.infer<typeof MeetingArtifactSchema>;

export const MeetingRecordSchema = z.strictObject({
  artifacts: z.array(MeetingArtifactSchema),
  utterances: z.int().min(0),
  participants: z.int().min(0),
  guessedMatches: z
    .int()
    .min(0)
    .meta({ description: 'Participants matched across rooms by name alone (no email): a guess.' }),
  notes: z.array(z.string()).meta({
    description: 'What the record lacks and why: rooms without transcript, recording gaps, unreadable files.',
  }),
});
export type MeetingRecord = z.infer<typeof MeetingRecordSchema>;

/** A room's part of the input: where its bots' transcripts and participant events are stored. */
export interface RecordRoomInput {
  key: string;
  name: string;
  /** Recording gaps of the room (Recall's clock; to null: never recorded again), marked in the merged outputs. */
  gaps: { from: string; to: string | null; reason: string }[];
  sources: { botId: string; recordingId: string; transcriptUri?: string; participantEventsUri?: string }[];
  /** Artifacts Recall should have had but the store lacks, with the reason. */
  missing: string[];
}

export interface MeetingRecordInput {
  meetingWorkflowId: string;
  title?: string;
  rooms: RecordRoomInput[];
}
