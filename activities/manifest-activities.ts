import type { MeetingResult, RoomResult } from '../src/contracts';
import type { ArtifactStore } from '../src/artifacts/store';
import { countRoomOutcome } from './metrics';
import { storeCall } from './store-failure';

/**
 * Manifest writes overwrite one object under a fixed key, so retrying them forever is safe; a
 * store error (a full disk above all) is a typed retryable failure, never a crash.
 */
export function createManifestActivities(store: ArtifactStore) {
  return {
    /** The room's part of the manifest, written as soon as the room is done. */
    async writeRoomManifest(input: { meetingWorkflowId: string; result: RoomResult }): Promise<string> {
      const key = { meetingWorkflowId: input.meetingWorkflowId, roomKey: input.result.key, name: 'room.json' };
      const { uri } = await storeCall(() => store.putJson(key, input.result));
      countRoomOutcome(input.result.outcome);
      return uri;
    },

    async writeMeetingManifest(input: { meetingWorkflowId: string; result: Omit<MeetingResult, 'manifestUri'> }) {
      const key = { meetingWorkflowId: input.meetingWorkflowId, name: 'manifest.json' };
      return storeCall(async () => {
        const manifestUri = store.uriOf(key);
        await store.putJson(key, { ...input.result, manifestUri });
        return manifestUri;
      });
    },
  };
}
