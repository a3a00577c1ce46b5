import { ApplicationFailure, Context } from '@temporalio/activity';
import { RECEIPTS_NAMESPACE, type ArtifactStore } from '../src/artifacts/store';
import type { BotMediaDeletion, DeletionReceipt } from '../src/contracts/deletion';
import { currentStatus, RecallApiError, type RecallClient } from '../src/recall';
import { recallCall, toActivityFailure } from './recall-failure';
import { storeCall } from './store-failure';

/** Recall still lists a recording that is not `deleted`: tried again until it is. */
export const MEDIA_NOT_YET_DELETED = 'MediaNotYetDeleted';
/** Something was written under the meeting while it was being deleted: tried again until empty. */
export const STORE_NOT_EMPTY = 'StoreNotYetEmpty';

function signal(): AbortSignal {
  return Context.current().cancellationSignal;
}

/** Bot ids the meeting manifest names (lenient: a manifest of any version, or none). */
function botsInManifest(manifest: unknown): string[] {
  const rooms = (manifest as { rooms?: { bots?: { id?: unknown }[] }[] } | undefined)?.rooms ?? [];
  return rooms.flatMap((room) => (room.bots ?? []).map((bot) => bot.id)).filter((id): id is string => !!id);
}

export function createDeletionActivities(recall: RecallClient, store: ArtifactStore) {
  return {
    /**
     * Every bot of the meeting: those Recall lists with the meeting's metadata (every bot is created
     * with it, so replaced and orphaned bots are found too) and those its manifest names.
     */
    async meetingBots(input: { meetingWorkflowId: string }): Promise<string[]> {
      if (input.meetingWorkflowId === RECEIPTS_NAMESPACE) {
        throw ApplicationFailure.nonRetryable('the receipts namespace is not a meeting', 'InvalidInput');
      }
      const listed = await recallCall(() =>
        recall.listAllBots({ metadata: { meetingWorkflowId: input.meetingWorkflowId } }, { signal: signal() }),
      );
      const manifest = await storeCall(() =>
        store.getJson({ meetingWorkflowId: input.meetingWorkflowId, name: 'manifest.json' }),
      );
      return [...new Set([...listed.map((bot) => bot.id), ...botsInManifest(manifest)])].sort();
    },

    /**
     * Deletes one bot's media at Recall and verifies it: the bot is retrieved afterwards and every
     * recording must say `deleted`, else the activity fails and Temporal tries again. Deleting
     * twice is harmless, so retries are safe. Only statuses go into the receipt: Recall's bot object
     * carries the meeting URL with its passcode.
     */
    async deleteBotMedia(input: { botId: string }): Promise<BotMediaDeletion> {
      let status: number;
      try {
        ({ status } = await recall.deleteMedia(input.botId, { signal: signal() }));
      } catch (err) {
        if (!(err instanceof RecallApiError && err.status === 404)) throw toActivityFailure(err);
        return { botId: input.botId, status: 404, recordings: [], verifiedAt: new Date().toISOString() };
      }
      const bot = await recallCall(() => recall.retrieveBot(input.botId, { signal: signal() }));
      const recordings = bot.recordings.map((r) => ({ id: r.id, status: r.status.code }));
      const left = recordings.filter((r) => r.status !== 'deleted');
      if (left.length > 0) {
        throw ApplicationFailure.create({
          type: MEDIA_NOT_YET_DELETED,
          message: `bot ${input.botId}: ${left.length} recording(s) not deleted yet (${left.map((r) => r.status).join(', ')})`,
        });
      }
      // A bot still in a call would record again: it must have ended (the deletion runs after the meeting).
      const code = currentStatus(bot)?.code;
      if (code !== undefined && code !== 'done' && code !== 'fatal' && code !== 'media_expired') {
        throw ApplicationFailure.create({
          type: MEDIA_NOT_YET_DELETED,
          message: `bot ${input.botId} is still ${code}; its media is deleted again once it has ended`,
        });
      }
      return { botId: input.botId, status, recordings, verifiedAt: new Date().toISOString() };
    },

    /** Removes every stored object of the meeting, then checks that a second pass finds nothing. */
    async deleteStoredMeeting(input: { meetingWorkflowId: string }): Promise<DeletionReceipt['store']> {
      const deleted = await storeCall(() => store.deleteMeeting(input.meetingWorkflowId));
      const again = await storeCall(() => store.deleteMeeting(input.meetingWorkflowId));
      if (again.length > 0) {
        throw ApplicationFailure.create({
          type: STORE_NOT_EMPTY,
          message: `${again.length} object(s) appeared under the meeting during its deletion`,
        });
      }
      return { deleted, verifiedEmptyAt: new Date().toISOString() };
    },

    /** The receipt goes under `_receipts/<meeting>/`, never under the meeting's own (deleted) data. */
    async writeDeletionReceipt(receipt: Omit<DeletionReceipt, 'receiptUri'>): Promise<string> {
      const key = {
        meetingWorkflowId: RECEIPTS_NAMESPACE,
        roomKey: receipt.meetingWorkflowId,
        name: `deletion-${receipt.completedAt.replace(/[:.]/g, '-')}.json`,
      };
      const uri = store.uriOf(key);
      await storeCall(() => store.putJson(key, { ...receipt, receiptUri: uri }));
      return uri;
    },
  };
}
