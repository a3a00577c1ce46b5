import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createCollectActivities } from '../../activities/collect-artifacts';
import type { BotCollection, CollectInput } from '../../activities/types';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import { RecallClient } from '../../src/recall';
import { waitFor } from '../support/wait';
import { FakeRecall, FILES } from './fake-recall';

const BOT = 'bot-1';
const REC = 'rec-1';
const input: CollectInput = { meetingWorkflowId: 'meeting/faults', roomKey: 'room-1', botId: BOT };
/** Failed attempts are the point of these tests; the SDK's warning per failure is noise here. */
const QUIET = new DefaultLogger('ERROR');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Setup {
  fake: FakeRecall;
  root: string;
  recall: RecallClient;
}

/** A fresh worker: its own store instance, Recall client and activity environment over the same disk. */
function worker(s: Setup, timeoutMs = 2_000) {
  const recall = new RecallClient({ apiKey: 'test-key', baseUrl: s.fake.url, timeoutMs });
  const activities = createCollectActivities(recall, new LocalArtifactStore(s.root, { reserveBytes: 0 }));
  const env = new MockActivityEnvironment({ attempt: 1 }, { logger: QUIET });
  type Activity = (i: CollectInput) => Promise<BotCollection>;
  const run = (fn: Activity, i: CollectInput) => env.run<[CollectInput], BotCollection, Activity>(fn, i);
  return {
    collect: (i: CollectInput = input) => run((x) => activities.collectArtifacts(x), i),
    stored: (i: CollectInput = input) => run((x) => activities.storedArtifacts(x), i),
    close: () => recall.close(),
  };
}

async function failureOf(run: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await run;
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, `not an ApplicationFailure: ${String(err)}`);
    return err;
  }
  assert.fail('collection succeeded');
}

/** Every stored artifact's reported size and sha256 match the bytes on disk and the source. */
async function assertStoredAsServed(fake: FakeRecall, collection: BotCollection): Promise<void> {
  for (const artifact of collection.artifacts) {
    const onDisk = await readFile(fileURLToPath(artifact.uri));
    assert.equal(artifact.bytes, onDisk.length, artifact.uri);
    assert.equal(artifact.sha256, sha256(onDisk), artifact.uri);
    if (artifact.kind !== 'meeting_metadata') {
      const file = FILES.find((f) => f.startsWith(`${artifact.kind}.`))!;
      assert.equal(artifact.sha256, fake.sha256(BOT, artifact.recordingId, file), artifact.uri);
    }
  }
}

void describe('collectArtifacts against failing media storage', () => {
  const s = {} as Setup;
  beforeEach(async () => {
    s.fake = await new FakeRecall().start();
    s.root = await mkdtemp(join(tmpdir(), 'collect-'));
    s.fake.addBot(BOT, [{ id: REC }]);
  });
  afterEach(async () => {
    await s.fake.close();
    await rm(s.root, { recursive: true, force: true });
  });

  void it('a 503 on the video fails only the video, stores the others, and the retry fetches only the video', async () => {
    s.fake.fault(BOT, REC, 'video.mp4', { type: 'status', status: 503 });
    const w = worker(s);
    const failure = await failureOf(w.collect());
    assert.equal(failure.type, 'ArtifactsIncomplete');
    assert.equal(failure.nonRetryable, false);
    assert.match(failure.message, /video\.mp4: media storage answered 503/);
    assert.doesNotMatch(failure.message, /transcript|participant|speaker/);
    const partial = await w.stored();
    assert.deepEqual(partial.artifacts.map((a) => a.kind).sort(), [
      'meeting_metadata',
      'participant_events',
      'participants',
      'speaker_timeline',
      'transcript',
    ]);
    assert.deepEqual(
      partial.missing.map((m) => [m.kind, m.recordingId]),
      [['video', REC]],
    );
    assert.match(partial.missing[0]!.reason, /503/);

    const before = [...s.fake.gets];
    const collection = await w.collect();
    assert.deepEqual(s.fake.gets.slice(before.length), [`${BOT}/${REC}/video.mp4`]);
    assert.equal(collection.recordings, 1);
    assert.equal(collection.artifacts.length, 6);
    assert.deepEqual(collection.missing, []);
    await assertStoredAsServed(s.fake, collection);
    await w.close();
  });

  for (const [name, fault, cause] of [
    ['a connection reset mid-body', { type: 'reset', afterBytes: 1000 }, /interrupted/],
    ['a stall longer than the idle timeout', { type: 'stall' }, /stalled/],
    ['a body shorter than its content-length', { type: 'short_body' }, /interrupted|cut short/],
    ['a 404 (S3 answers it briefly)', { type: 'status', status: 404 }, /404/],
    ['a URL that stays expired after one fresh retrieve', { type: 'expired' }, /refused again/],
  ] as const) {
    void it(`${name} is a retryable failure naming the file; nothing partial is published`, async () => {
      // An expired URL is retried once with a fresh one within the attempt: it has to fail twice.
      s.fake.fault(BOT, REC, 'video.mp4', ...(fault.type === 'expired' ? [fault, fault] : [fault]));
      const w = worker(s, 500);
      const failure = await failureOf(w.collect());
      assert.equal(failure.type, 'ArtifactsIncomplete');
      assert.equal(failure.nonRetryable, false);
      assert.match(failure.message, /^bot bot-1: 1 of 6 artifacts not stored yet: video\.mp4: /);
      assert.match(failure.message, cause);
      const folder = join(s.root, 'meeting%2Ffaults', 'room-1', BOT);
      const names = await readdir(folder);
      assert.ok(!names.includes('video.mp4'), names.join());
      assert.deepEqual(
        names.filter((n) => n.endsWith('.partial')),
        [],
      );
      const collection = await w.collect();
      assert.equal(collection.artifacts.length, 6);
      await assertStoredAsServed(s.fake, collection);
      await w.close();
    });
  }

  void it('an expired URL is fetched again from a fresh retrieve within the same attempt', async () => {
    s.fake.fault(BOT, REC, 'transcript.json', { type: 'expired' });
    const w = worker(s);
    const collection = await w.collect();
    assert.equal(collection.artifacts.length, 6);
    assert.equal(s.fake.retrieves, 2);
    assert.equal(s.fake.getsOf('transcript.json'), 2);
    await w.close();
  });

  void it('a file over the size limit is missing with the reason, and the others are stored', async () => {
    const w = worker(s);
    const collection = await w.collect({ ...input, maxBytes: 10_000 });
    assert.deepEqual(
      collection.missing.map((m) => [m.kind, m.recordingId]),
      [['video', REC]],
    );
    assert.match(collection.missing[0]!.reason, /larger than the limit of 10000 bytes/);
    assert.equal(collection.artifacts.length, 5);
    await w.close();
  });

  void it('a media URL into a private network is refused and missing with the reason, not retried', async () => {
    s.fake.mediaBase = 'https://10.1.2.3';
    const w = worker(s);
    const collection = await w.collect();
    assert.deepEqual(
      collection.artifacts.map((a) => a.kind),
      ['meeting_metadata'],
    );
    assert.equal(collection.missing.length, 5);
    for (const missing of collection.missing) assert.match(missing.reason, /^download refused: /);
    await w.close();
  });

  void it('failed recordings and media without a URL are missing with a reason; processing media is waited for', async () => {
    s.fake.addBot(BOT, [
      { id: REC, withoutUrl: ['transcript.json'] },
      { id: 'rec-2', status: 'failed' },
      { id: 'rec-3', media: { transcript: null } },
    ]);
    const w = worker(s);
    const collection = await w.collect();
    assert.equal(collection.recordings, 3);
    assert.deepEqual(collection.missing.map((m) => [m.kind, m.recordingId, m.reason]).sort(), [
      ['participant_events', 'rec-2', 'recording rec-2 is failed (recording_failed) at Recall'],
      ['participants', 'rec-2', 'recording rec-2 is failed (recording_failed) at Recall'],
      ['speaker_timeline', 'rec-2', 'recording rec-2 is failed (recording_failed) at Recall'],
      ['transcript', 'rec-1', 'transcript of recording rec-1 is done but has no download URL'],
      ['transcript', 'rec-2', 'recording rec-2 is failed (recording_failed) at Recall'],
      ['video', 'rec-2', 'recording rec-2 is failed (recording_failed) at Recall'],
    ]);
    // rec-1 without its transcript (5), rec-3 without a transcript provider configured (5).
    assert.equal(collection.artifacts.length, 10);
    assert.ok(collection.artifacts.some((a) => a.uri.endsWith('/video-3.mp4')));

    s.fake.addBot('bot-2', [{ id: 'rec-9', media: { video_mixed: 'processing' } }]);
    const failure = await failureOf(w.collect({ ...input, botId: 'bot-2' }));
    assert.equal(failure.type, 'MediaNotReady');
    assert.deepEqual(
      s.fake.gets.filter((g) => g.startsWith('bot-2/')),
      [],
    );
    const stored = await w.stored({ ...input, botId: 'bot-2' });
    assert.deepEqual(stored.artifacts, []);
    const video = stored.missing.find((m) => m.kind === 'video');
    assert.equal(video?.recordingId, 'rec-9');
    assert.match(video?.reason ?? '', /still processing at Recall: video_mixed/);
    await w.close();
  });

  void it('a bot with no recordings collects nothing and reports nothing missing', async () => {
    s.fake.addBot('bot-0', []);
    const w = worker(s);
    assert.deepEqual(await w.collect({ ...input, botId: 'bot-0' }), {
      botId: 'bot-0',
      recordings: 0,
      artifacts: [],
      missing: [],
    });
    await w.close();
  });

  void it('a restarted worker resumes from the store: nothing already stored is downloaded again', async () => {
    s.fake.fault(BOT, REC, 'speaker_timeline.json', { type: 'status', status: 500 });
    const first = worker(s);
    await failureOf(first.collect());
    await first.close();
    const getsBefore = s.fake.gets.length;

    const second = worker(s);
    const collection = await second.collect();
    assert.deepEqual(s.fake.gets.slice(getsBefore), [`${BOT}/${REC}/speaker_timeline.json`]);
    assert.equal(collection.artifacts.length, 6);
    await assertStoredAsServed(s.fake, collection);
    // Once complete, another attempt downloads nothing at all.
    await second.collect();
    assert.equal(s.fake.gets.length, getsBefore + 1);
    await second.close();
  });

  void it('a worker killed mid-download leaves a .partial the next worker sweeps, then resumes', async () => {
    s.fake.fault(BOT, REC, 'participant_events.json', { type: 'stall' });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'collect-child.ts'), s.fake.url, s.root, JSON.stringify(input), '60000'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await waitFor('the stalled download', () => s.fake.getsOf('participant_events.json') === 1);
      await waitFor('its .partial file', async () => (await partials(s.root)).length === 1);
    } finally {
      child.kill('SIGKILL');
    }
    const store = new LocalArtifactStore(s.root, { reserveBytes: 0 });
    assert.equal(await store.sweepPartials({ olderThanMs: 0 }), 1);
    assert.deepEqual(await partials(s.root), []);

    const getsBefore = s.fake.gets.length;
    const w = worker(s);
    const collection = await w.collect();
    assert.deepEqual(s.fake.gets.slice(getsBefore), [
      `${BOT}/${REC}/participant_events.json`,
      `${BOT}/${REC}/speaker_timeline.json`,
    ]);
    await assertStoredAsServed(s.fake, collection);
    await w.close();
  });
});

void describe('a download error and the process', () => {
  const s = {} as Setup;
  after(async () => {
    await s.fake.close();
    await rm(s.root, { recursive: true, force: true });
  });

  void it('every download error is a typed failure; none is an unhandled rejection that ends the worker', async () => {
    s.fake = await new FakeRecall().start();
    s.root = await mkdtemp(join(tmpdir(), 'collect-child-'));
    s.fake.addBot(BOT, [{ id: REC }]);
    for (const file of FILES) s.fake.fault(BOT, REC, file, { type: 'status', status: 503 });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'collect-child.ts'), s.fake.url, s.root, JSON.stringify(input), '2000'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, `the process ended on its own: ${stderr}`);
    const outcome = JSON.parse(stdout) as {
      failure?: { isApplicationFailure: boolean; type: string; message: string };
    };
    assert.equal(outcome.failure?.isApplicationFailure, true, stdout);
    assert.equal(outcome.failure.type, 'ArtifactsIncomplete');
    for (const file of FILES)
      assert.match(outcome.failure.message, new RegExp(`${file.replace('.', '\\.')}: media storage answered 503`));
  });
});

async function partials(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.filter((e) => e.endsWith('.partial'));
}
