import { ApplicationFailure, Context } from '@temporalio/activity';
import { RecallApiError, type Bot, type RecallClient, type Recording } from '../src/recall';
import type { Artifact, ArtifactKind } from '../src/contracts';
import type { ArtifactStore } from '../src/artifacts/store';
import { countArtifactBytes } from './metrics';
import { recallCall } from './recall-failure';
import type { CollectInput } from './types';

/** Recordings and media are multi-gigabyte at worst; refuse anything beyond this per artifact. */
const DEFAULT_MAX_BYTES = 20 * 1024 ** 3;

interface Download {
  kind: ArtifactKind;
  ext: string;
  /** Reads the URL from a recording, so it can be read again from a freshly retrieved bot. */
  url: (recording: Recording) => string | null | undefined;
}

const DOWNLOADS: Download[] = [
  { kind: 'video', ext: 'mp4', url: (r) => r.media_shortcuts.video_mixed?.data?.download_url },
  { kind: 'transcript', ext: 'json', url: (r) => r.media_shortcuts.transcript?.data?.download_url },
  {
    kind: 'participants',
    ext: 'json',
    url: (r) => r.media_shortcuts.participant_events?.data?.participants_download_url,
  },
  {
    kind: 'participant_events',
    ext: 'json',
    url: (r) => r.media_shortcuts.participant_events?.data?.participant_events_download_url,
  },
  {
    kind: 'speaker_timeline',
    ext: 'json',
    url: (r) => r.media_shortcuts.participant_events?.data?.speaker_timeline_download_url,
  },
];

/** Meeting metadata is stored as Recall gives it inline, less any pre-signed URL (it expires and grants access). */
function withoutUrls(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.endsWith('download_url')));
}

/** Media objects of a recording that are still being produced; collection waits for them. */
function pendingMedia(recording: Recording): string[] {
  const shortcuts = recording.media_shortcuts;
  const pending = Object.entries({
    video_mixed: shortcuts.video_mixed,
    transcript: shortcuts.transcript,
    participant_events: shortcuts.participant_events,
    meeting_metadata: shortcuts.meeting_metadata,
  })
    .filter(([, media]) => media?.status.code === 'processing')
    .map(([name]) => name);
  if (recording.status.code === 'processing') pending.unshift('recording');
  return pending;
}

function orderedRecordings(bot: Bot): Recording[] {
  return bot.recordings
    .filter((r) => r.status.code !== 'failed' && r.status.code !== 'deleted')
    .sort((a, b) => Date.parse(a.started_at ?? a.created_at ?? '') - Date.parse(b.started_at ?? b.created_at ?? ''));
}

/**
 * Streams every artifact of one bot into the store, never through workflow payloads. Safe to retry:
 * each object is written whole under a fixed name, so a retry rewrites rather than duplicates.
 */
export function createCollectActivities(recall: RecallClient, store: ArtifactStore) {
  return {
    async collectArtifacts(input: CollectInput): Promise<Artifact[]> {
      const ctx = Context.current();
      const retrieve = () => recallCall(() => recall.retrieveBot(input.botId, { signal: ctx.cancellationSignal }));
      let bot = await retrieve();
      const recordings = orderedRecordings(bot);
      const pending = recordings.flatMap(pendingMedia);
      if (pending.length > 0) {
        throw ApplicationFailure.create({
          type: 'MediaNotReady',
          message: `bot ${input.botId} media still processing: ${pending.join(', ')}`,
          nextRetryDelay: '5 seconds',
        });
      }

      const artifacts: Artifact[] = [];
      for (const [index, recordingAtStart] of recordings.entries()) {
        const suffix = index === 0 ? '' : `-${index + 1}`;
        const base = { meetingWorkflowId: input.meetingWorkflowId, roomKey: input.roomKey, botId: input.botId };
        for (const download of DOWNLOADS) {
          const current = () => bot.recordings.find((r) => r.id === recordingAtStart.id) ?? recordingAtStart;
          if (!download.url(current())) continue;
          const fetchAndStore = async () => {
            const url = download.url(current());
            if (!url) throw new Error(`${download.kind} URL disappeared from recording ${recordingAtStart.id}`);
            const { body } = await recall.download(url, {
              maxBytes: input.maxBytes ?? DEFAULT_MAX_BYTES,
              signal: ctx.cancellationSignal,
            });
            return store.put({ ...base, name: `${download.kind}${suffix}.${download.ext}` }, body, {
              onProgress: (bytes) => ctx.heartbeat({ kind: download.kind, bytes }),
            });
          };
          let stored;
          try {
            stored = await fetchAndStore();
          } catch (err) {
            // Download URLs are pre-signed and expire (6 hours): fetch fresh ones and try once more.
            if (!(err instanceof RecallApiError && err.code === 'download_url_expired')) {
              throw err instanceof RecallApiError ? recallCall(() => Promise.reject(err)) : err;
            }
            bot = await retrieve();
            stored = await recallCall(fetchAndStore);
          }
          artifacts.push({ kind: download.kind, ...stored, botId: input.botId, recordingId: recordingAtStart.id });
          ctx.heartbeat({ done: artifacts.length });
        }
        const metadata = recordingAtStart.media_shortcuts.meeting_metadata;
        if (metadata?.data) {
          const stored = await store.putJson(
            { ...base, name: `meeting_metadata${suffix}.json` },
            withoutUrls(metadata.data),
          );
          artifacts.push({ kind: 'meeting_metadata', ...stored, botId: input.botId, recordingId: recordingAtStart.id });
        }
      }
      countArtifactBytes(artifacts);
      return artifacts;
    },
  };
}
