import { z } from 'zod';
import { ARTIFACT_KINDS, ArtifactSchema } from '../contracts';
import type { ArtifactStore, PresignedUrl } from './store';

/** What `breakout artifact url` and the HTTP API hand out for one artifact. */
export interface ArtifactUrl extends PresignedUrl {
  uri: string;
  botId: string;
  recordingId: string;
}

const RoomManifestSchema = z.object({ artifacts: z.array(ArtifactSchema) });

export class ArtifactNotFoundError extends Error {
  override name = 'ArtifactNotFoundError';
}

/**
 * Short-lived URLs for a room's artifacts of one kind, read from the room's manifest (`room.json`,
 * written when the room is done). A room recorded by several bots or recordings has several.
 */
export async function artifactUrls(
  store: ArtifactStore,
  where: { meetingWorkflowId: string; roomKey: string; kind: string },
  expiresInSeconds: number,
): Promise<ArtifactUrl[]> {
  if (!(ARTIFACT_KINDS as readonly string[]).includes(where.kind)) {
    throw new ArtifactNotFoundError(`no artifact kind "${where.kind}" (kinds: ${ARTIFACT_KINDS.join(', ')})`);
  }
  const manifest = RoomManifestSchema.safeParse(
    await store.getJson({ meetingWorkflowId: where.meetingWorkflowId, roomKey: where.roomKey, name: 'room.json' }),
  );
  if (!manifest.success) throw new ArtifactNotFoundError(`room ${where.roomKey} has no manifest yet (not done?)`);
  const artifacts = manifest.data.artifacts.filter((a) => a.kind === where.kind);
  if (artifacts.length === 0) throw new ArtifactNotFoundError(`room ${where.roomKey} has no ${where.kind}`);
  return Promise.all(
    artifacts.map(async (a) => ({
      uri: a.uri,
      botId: a.botId,
      recordingId: a.recordingId,
      ...(await store.presign(a.uri, { expiresInSeconds })),
    })),
  );
}
