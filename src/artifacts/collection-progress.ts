import { z } from 'zod';
import { ARTIFACT_KINDS, ArtifactSchema, type Artifact, type MissingArtifact } from '../contracts';
import type { ArtifactKey, ArtifactStore } from './store';

/**
 * How far one bot's collection got, kept in the store beside its artifacts
 * (`<meeting>/<room>/<bot>/collection.json`) so that a retry, another worker, or the final report
 * after collection gave up all see the same thing.
 */
const EntrySchema = z.object({
  /** The object's name under the bot's folder, e.g. `video-2.mp4`. */
  name: z.string(),
  kind: z.enum(ARTIFACT_KINDS),
  recordingId: z.string().nullable(),
  stored: ArtifactSchema.optional(),
  /** Why it is not stored: the last error, or the permanent reason. */
  reason: z.string().optional(),
  /** True when retrying cannot help (failed recording, no URL, too large). */
  permanent: z.boolean().optional(),
});
export type ProgressEntry = z.infer<typeof EntrySchema>;

const ProgressSchema = z.object({
  botId: z.string(),
  /** Recordings Recall lists for the bot; null until the bot was read once. */
  recordings: z.int().min(0).nullable(),
  entries: z.array(EntrySchema),
  /** What stopped the last attempt before it reached the artifacts (Recall down, media processing). */
  lastError: z.string().optional(),
});
export type CollectionProgress = z.infer<typeof ProgressSchema>;

export interface BotKey {
  meetingWorkflowId: string;
  roomKey: string;
  botId: string;
}

export const artifactKey = (bot: BotKey, name: string): ArtifactKey => ({
  meetingWorkflowId: bot.meetingWorkflowId,
  roomKey: bot.roomKey,
  botId: bot.botId,
  name,
});

const progressKey = (bot: BotKey) => artifactKey(bot, 'collection.json');

/** The bot's progress; a file that does not parse (written by another version) counts as none. */
export async function readProgress(store: ArtifactStore, bot: BotKey): Promise<CollectionProgress | undefined> {
  const parsed = ProgressSchema.safeParse(await store.getJson(progressKey(bot)));
  return parsed.success ? parsed.data : undefined;
}

export async function writeProgress(store: ArtifactStore, bot: BotKey, progress: CollectionProgress): Promise<void> {
  await store.putJson(progressKey(bot), progress);
}

/** What the progress says was stored, and what is missing with the reason a person can act on. */
export function summarize(
  bot: BotKey,
  progress: CollectionProgress | undefined,
): { recordings: number; artifacts: Artifact[]; missing: MissingArtifact[] } {
  if (!progress || progress.recordings === null) {
    const why = progress?.lastError ?? 'collection never ran';
    return {
      recordings: 0,
      artifacts: [],
      missing: [{ kind: 'video', botId: bot.botId, recordingId: null, reason: `bot not read from Recall: ${why}` }],
    };
  }
  const artifacts = progress.entries.flatMap((e) => (e.stored ? [e.stored] : []));
  const missing = progress.entries
    .filter((e) => !e.stored)
    .map((e) => ({
      kind: e.kind,
      botId: bot.botId,
      recordingId: e.recordingId,
      reason: e.reason ?? progress.lastError ?? 'not collected yet',
    }));
  return { recordings: progress.recordings, artifacts, missing };
}
