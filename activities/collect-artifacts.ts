import { ApplicationFailure, Context } from '@temporalio/activity';
import { RecallApiError, RecallErrorCode, type Bot, type RecallClient, type Recording } from '../src/recall';
import type { Artifact, ArtifactKind } from '../src/contracts';
import {
  artifactKey,
  readProgress,
  summarize,
  writeProgress,
  type BotKey,
  type CollectionProgress,
  type ProgressEntry,
} from '../src/artifacts/collection-progress';
import { ArtifactTooLargeError, IncompleteBodyError } from '../src/artifacts/errors';
import type { ArtifactKey, ArtifactStore, StoredObject } from '../src/artifacts/store';
import { countArtifactBytes } from './metrics';
import { recallCall } from './recall-failure';
import { storeCall, toStoreFailure } from './store-failure';
import type { BotCollection, CollectInput } from './types';

/** Recordings and media are multi-gigabyte at worst; refuse anything beyond this per artifact. */
const DEFAULT_MAX_BYTES = 20 * 1024 ** 3;

type MediaObject = { status: { code: string; sub_code?: string | null } } | null | undefined;

interface Download {
  kind: ArtifactKind;
  ext: string;
  media: (recording: Recording) => MediaObject;
  /** Reads the URL from a recording, so it can be read again from a freshly retrieved bot. */
  url: (recording: Recording) => string | null | undefined;
}

const DOWNLOADS: Download[] = [
  {
    kind: 'video',
    ext: 'mp4',
    media: (r) => r.media_shortcuts.video_mixed,
    url: (r) => r.media_shortcuts.video_mixed?.data?.download_url,
  },
  {
    kind: 'transcript',
    ext: 'json',
    media: (r) => r.media_shortcuts.transcript,
    url: (r) => r.media_shortcuts.transcript?.data?.download_url,
  },
  {
    kind: 'participants',
    ext: 'json',
    media: (r) => r.media_shortcuts.participant_events,
    url: (r) => r.media_shortcuts.participant_events?.data?.participants_download_url,
  },
  {
    kind: 'participant_events',
    ext: 'json',
    media: (r) => r.media_shortcuts.participant_events,
    url: (r) => r.media_shortcuts.participant_events?.data?.participant_events_download_url,
  },
  {
    kind: 'speaker_timeline',
    ext: 'json',
    media: (r) => r.media_shortcuts.participant_events,
    url: (r) => r.media_shortcuts.participant_events?.data?.speaker_timeline_download_url,
  },
];

/** One artifact a bot should have: where it comes from, or why it cannot exist. */
interface Planned {
  name: string;
  kind: ArtifactKind;
  recordingId: string;
  source: { download: Download } | { inline: Record<string, unknown> } | { unavailable: string };
}

const GONE = new Set(['failed', 'deleted']);

const statusText = (status: { code: string; sub_code?: string | null }) =>
  status.sub_code ? `${status.code} (${status.sub_code})` : status.code;

/** Meeting metadata is stored as Recall gives it inline, less any pre-signed URL (it expires and grants access). */
function withoutUrls(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.endsWith('download_url')));
}

/** Media objects of a recording that are still being produced; collection waits for them. */
function pendingMedia(recording: Recording): string[] {
  if (GONE.has(recording.status.code)) return [];
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

/**
 * Every artifact the bot's recordings promise, in a stable order with stable names (`video.mp4`,
 * `video-2.mp4` for the second recording…). A media object that is not configured (no transcript
 * provider) promises nothing; one that failed, or is done without a URL, is a gap with its reason.
 */
function plan(bot: Bot): Planned[] {
  const recordings = [...bot.recordings].sort(
    (a, b) => Date.parse(a.started_at ?? a.created_at ?? '') - Date.parse(b.started_at ?? b.created_at ?? ''),
  );
  return recordings.flatMap((recording, index) => {
    const suffix = index === 0 ? '' : `-${index + 1}`;
    const item = (kind: ArtifactKind, ext: string, source: Planned['source']): Planned => ({
      name: `${kind}${suffix}.${ext}`,
      kind,
      recordingId: recording.id,
      source,
    });
    const planned: Planned[] = [];
    for (const download of DOWNLOADS) {
      const media = download.media(recording);
      if (GONE.has(recording.status.code)) {
        if (download.kind === 'video' || media) {
          const why = `recording ${recording.id} is ${statusText(recording.status)} at Recall`;
          planned.push(item(download.kind, download.ext, { unavailable: why }));
        }
      } else if (!media) {
        if (download.kind === 'video') {
          const why = `Recall lists no video for recording ${recording.id}`;
          planned.push(item('video', download.ext, { unavailable: why }));
        }
      } else if (GONE.has(media.status.code)) {
        const why = `${download.kind} of recording ${recording.id} is ${statusText(media.status)} at Recall`;
        planned.push(item(download.kind, download.ext, { unavailable: why }));
      } else if (!download.url(recording)) {
        const why = `${download.kind} of recording ${recording.id} is ${media.status.code} but has no download URL`;
        planned.push(item(download.kind, download.ext, { unavailable: why }));
      } else {
        planned.push(item(download.kind, download.ext, { download }));
      }
    }
    const metadata = recording.media_shortcuts.meeting_metadata;
    if (metadata && !GONE.has(recording.status.code)) {
      planned.push(
        item(
          'meeting_metadata',
          'json',
          metadata.data
            ? { inline: withoutUrls(metadata.data) }
            : { unavailable: `meeting metadata of recording ${recording.id} is ${statusText(metadata.status)}` },
        ),
      );
    }
    return planned;
  });
}

/**
 * Why an artifact was not stored this attempt, and whether another attempt can help. Everything
 * not known to be permanent is retried: S3 answers 404 briefly, resets, stalls and truncates.
 */
function describeFailure(err: unknown): { reason: string; permanent: boolean } {
  if (err instanceof RecallApiError) {
    if (err.code === RecallErrorCode.tooLarge) return { reason: err.detail, permanent: true };
    if (err.code === RecallErrorCode.downloadRefused)
      return { reason: `download refused: ${err.detail}`, permanent: true };
    if (err.code === RecallErrorCode.downloadUrlExpired) {
      return { reason: 'download URL refused again after retrieving the bot for a fresh one', permanent: false };
    }
    if (err.code === RecallErrorCode.timeout) return { reason: `download stalled: ${err.detail}`, permanent: false };
    if (err.status === 0) return { reason: `download interrupted: ${err.detail}`, permanent: false };
    return { reason: `media storage answered ${err.status} ${err.code}`, permanent: false };
  }
  if (err instanceof ArtifactTooLargeError) return { reason: err.message, permanent: true };
  if (err instanceof IncompleteBodyError) return { reason: `body cut short: ${err.message}`, permanent: false };
  if (err instanceof ApplicationFailure) return { reason: err.message, permanent: false };
  return { reason: toStoreFailure(err).message, permanent: false };
}

/**
 * Streams every artifact of one bot into the store, never through workflow payloads, resuming
 * from the bot's progress file: an artifact stored with its size by any earlier attempt (or
 * another worker) is not fetched again.
 */
export function createCollectActivities(recall: RecallClient, store: ArtifactStore) {
  return {
    /**
     * Tries every artifact of the bot, so one failing file never holds back the others, then
     * returns what was stored and what is missing for good, or throws a retryable
     * `ArtifactsIncomplete` naming each artifact that failed for a reason that may pass.
     */
    async collectArtifacts(input: CollectInput): Promise<BotCollection> {
      const ctx = Context.current();
      const bot: BotKey = { meetingWorkflowId: input.meetingWorkflowId, roomKey: input.roomKey, botId: input.botId };
      const progress: CollectionProgress = (await storeCall(() => readProgress(store, bot))) ?? {
        botId: input.botId,
        recordings: null,
        entries: [],
      };
      const save = () => storeCall(() => writeProgress(store, bot, progress));
      const retrieve = () => recallCall(() => recall.retrieveBot(input.botId, { signal: ctx.cancellationSignal }));

      let recallBot: Bot;
      try {
        recallBot = await retrieve();
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw err;
        progress.lastError = describeFailure(err).reason;
        // The attempt fails with Recall's error either way; a store that is down as well must not hide it.
        await save().catch(() => undefined);
        throw err;
      }
      progress.recordings = recallBot.recordings.length;
      const planned = plan(recallBot);
      const known = new Map(progress.entries.map((e) => [e.name, e]));
      const syncEntries = () => {
        progress.entries = planned.map(
          (p) => known.get(p.name) ?? { name: p.name, kind: p.kind, recordingId: p.recordingId },
        );
      };
      const pending = recallBot.recordings.flatMap(pendingMedia);
      if (pending.length > 0) {
        progress.lastError = `media still processing at Recall: ${pending.join(', ')}`;
        // What is not stored yet is missing for that reason, should collection give up waiting.
        syncEntries();
        progress.entries = progress.entries.map((e) => (e.stored ? e : { ...e, reason: progress.lastError }));
        await save();
        throw ApplicationFailure.create({
          type: 'MediaNotReady',
          message: `bot ${input.botId} ${progress.lastError}`,
          nextRetryDelay: '5 seconds',
        });
      }
      delete progress.lastError;
      const fresh: Artifact[] = [];

      for (const item of planned) {
        const key = artifactKey(bot, item.name);
        const before = known.get(item.name);
        if (before?.stored?.recordingId === item.recordingId) {
          const { bytes, sha256 } = before.stored;
          const head = await storeCall(() => store.head(key));
          if (head?.bytes === bytes && head.sha256 === sha256) continue;
        }
        const entry = { name: item.name, kind: item.kind, recordingId: item.recordingId };
        if ('unavailable' in item.source) {
          known.set(item.name, { ...entry, reason: item.source.unavailable, permanent: true });
          continue;
        }
        const source = item.source;
        let result: ProgressEntry;
        try {
          const stored =
            'inline' in source
              ? await store.putJson(key, source.inline)
              : await downloadInto(source.download, item.recordingId, key);
          const artifact: Artifact = { kind: item.kind, ...stored, botId: input.botId, recordingId: item.recordingId };
          fresh.push(artifact);
          result = { ...entry, stored: artifact };
        } catch (err) {
          if (ctx.cancellationSignal.aborted) throw err;
          result = { ...entry, ...describeFailure(err) };
        }
        known.set(item.name, result);
        syncEntries();
        await save();
        ctx.heartbeat({ done: item.name });
      }
      syncEntries();
      await save();
      countArtifactBytes(fresh);

      const failing = progress.entries.filter((e) => !e.stored && !e.permanent);
      if (failing.length > 0) {
        throw ApplicationFailure.create({
          type: 'ArtifactsIncomplete',
          message: `bot ${input.botId}: ${failing.length} of ${progress.entries.length} artifacts not stored yet: ${failing
            .map((e) => `${e.name}: ${e.reason}`)
            .join('; ')}`,
          details: [{ failing: failing.map((e) => ({ name: e.name, kind: e.kind, reason: e.reason })) }],
        });
      }
      return { botId: input.botId, ...summarize(bot, progress) };

      /** Downloads one media object; an expired URL gets one fresh one from a new retrieve. */
      async function downloadInto(download: Download, recordingId: string, key: ArtifactKey): Promise<StoredObject> {
        const fetchOnce = async () => {
          const recording = recallBot.recordings.find((r) => r.id === recordingId);
          const url = recording && download.url(recording);
          if (!url) throw new Error(`${download.kind} URL of recording ${recordingId} disappeared at Recall`);
          const { body, contentLength } = await recall.download(url, {
            maxBytes: input.maxBytes ?? DEFAULT_MAX_BYTES,
            signal: ctx.cancellationSignal,
          });
          return store.put(key, body, {
            ...(contentLength === undefined ? {} : { expectedBytes: contentLength }),
            onProgress: (bytes) => ctx.heartbeat({ kind: download.kind, bytes }),
          });
        };
        try {
          return await fetchOnce();
        } catch (err) {
          if (!(err instanceof RecallApiError && err.code === RecallErrorCode.downloadUrlExpired)) throw err;
          recallBot = await retrieve();
          return fetchOnce();
        }
      }
    },

    /**
     * What the bot's collection stored so far and what is still missing, with the last error of
     * each: read from the store alone, for when collectArtifacts has given up.
     */
    async storedArtifacts(input: CollectInput): Promise<BotCollection> {
      const bot: BotKey = { meetingWorkflowId: input.meetingWorkflowId, roomKey: input.roomKey, botId: input.botId };
      const progress = await storeCall(() => readProgress(store, bot));
      return { botId: input.botId, ...summarize(bot, progress) };
    },
  };
}
