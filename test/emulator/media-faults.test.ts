import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { request } from 'undici';
import {
  control,
  type BotJson,
  createBot,
  download,
  getBot,
  type Harness,
  harness,
  meetingSpec,
  waitForEvent,
} from './helpers';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface RawDownload {
  status: number;
  contentLength: number;
  received: number;
  /** How the body ended: complete, the connection failed, or no byte came within the idle timeout. */
  outcome: 'complete' | 'error' | 'idle';
}

/** A GET on a raw socket, so a test sees exactly how many bytes arrived and how the body ended. */
function rawGet(url: string, idleMs = 5_000): Promise<RawDownload> {
  return new Promise((resolve) => {
    const req = get(url, (res) => {
      const result: RawDownload = {
        status: res.statusCode ?? 0,
        contentLength: Number(res.headers['content-length']),
        received: 0,
        outcome: 'complete',
      };
      let idle = setTimeout(() => finish('idle'), idleMs);
      const finish = (outcome: RawDownload['outcome']) => {
        clearTimeout(idle);
        req.destroy();
        resolve({ ...result, outcome: result.outcome === 'complete' ? outcome : result.outcome });
        result.outcome = outcome;
      };
      res.on('data', (chunk: Buffer) => {
        result.received += chunk.length;
        clearTimeout(idle);
        idle = setTimeout(() => finish('idle'), idleMs);
      });
      res.on('end', () => finish(result.received === result.contentLength ? 'complete' : 'error'));
      res.on('error', () => finish('error'));
      res.on('aborted', () => finish('error'));
    });
    req.on('error', () => resolve({ status: 0, contentLength: Number.NaN, received: 0, outcome: 'error' }));
  });
}

const videoUrl = (bot: BotJson) => bot.recordings[0]!.media_shortcuts.video_mixed.data.download_url!;
const transcriptUrl = (bot: BotJson) => bot.recordings[0]!.media_shortcuts.transcript!.data.download_url!;

void describe('emulator media faults', () => {
  let h: Harness;
  const bots: Record<'a' | 'b', string> = { a: '', b: '' };
  const hitsFor = (fault: string) => h.emulator.audit.faultHits().filter((x) => x.fault === fault);

  before(async () => {
    h = await harness();
    const meeting = h.emulator.createMeeting(meetingSpec());
    for (const room of ['a', 'b'] as const) {
      const { body } = await createBot(h.emulator, {
        meeting_url: meeting.url,
        metadata: { room },
        recording_config: { transcript: { provider: { recallai_streaming: {} } } },
      });
      bots[room] = body.id;
    }
    await waitForEvent(h.sink, bots.b, 'bot.in_call_recording');
    meeting.end();
    await waitForEvent(h.sink, bots.a, 'transcript.done');
    await waitForEvent(h.sink, bots.b, 'transcript.done');
  });
  beforeEach(() => h.emulator.faults.reset());
  after(() => h.close());

  void it('answers 503 SlowDown for the first n GETs of the matching file only, then the right bytes', async () => {
    h.emulator.faults.mediaFault({ metadata: { room: 'a' }, file: 'video', count: 2 }, { type: 'status', status: 503 });
    const bot = await getBot(h.emulator, bots.a);
    const other = await getBot(h.emulator, bots.b);
    assert.equal((await download(transcriptUrl(bot))).status, 200, 'another file of the bot');
    assert.equal((await download(videoUrl(other))).status, 200, 'the same file of another bot');
    for (let i = 0; i < 2; i++) {
      const failed = await download(videoUrl(bot));
      assert.equal(failed.status, 503);
      assert.equal(failed.contentType, 'application/xml');
      assert.match(failed.body.toString(), /<Code>SlowDown<\/Code>/);
    }
    const ok = await download(videoUrl(bot));
    assert.equal(ok.status, 200);
    const artifact = h.emulator.audit.bot(bots.a)!.recordings[0]!.artifacts.find((x) => x.kind === 'video')!;
    assert.equal(sha256(ok.body), artifact.sha256);
    const hits = hitsFor('media_status');
    assert.equal(hits.length, 2);
    assert.ok(hits.every((x) => x.botId === bots.a && x.file === 'video' && x.detail === '503'));
  });

  void it('answers 404 NoSuchKey on every GET without a count', async () => {
    h.emulator.faults.mediaFault({ metadata: { room: 'b' }, file: 'transcript' }, { type: 'status', status: 404 });
    for (let i = 0; i < 3; i++) {
      const res = await download(transcriptUrl(await getBot(h.emulator, bots.b)));
      assert.equal(res.status, 404);
      assert.match(res.body.toString(), /<Code>NoSuchKey<\/Code>/);
    }
  });

  void it('resets the connection mid-body after afterBytes', async () => {
    h.emulator.faults.mediaFault(
      { metadata: { room: 'a' }, file: 'video', count: 1 },
      { type: 'reset', afterBytes: 1000 },
    );
    const url = videoUrl(await getBot(h.emulator, bots.a));
    const reset = await rawGet(url);
    // Usually the headers and the first bytes arrive before the reset; either way the download fails.
    assert.ok(reset.status === 200 || reset.status === 0, String(reset.status));
    assert.equal(reset.outcome, 'error');
    assert.ok(reset.received <= 1000, `${reset.received} bytes`);
    const again = await rawGet(url);
    assert.equal(again.outcome, 'complete');
    assert.equal(again.received, again.contentLength);
    assert.deepEqual(
      hitsFor('media_reset').map((x) => [x.botId, x.file]),
      [[bots.a, 'video']],
    );
  });

  void it('ends the body before its content-length (short_body)', async () => {
    h.emulator.faults.mediaFault({ metadata: { room: 'b' }, file: 'video', count: 2 }, { type: 'short_body' });
    const url = videoUrl(await getBot(h.emulator, bots.b));
    const short = await rawGet(url);
    assert.equal(short.status, 200);
    assert.equal(short.outcome, 'error');
    assert.ok(short.received > 0 && short.received < short.contentLength, `${short.received}/${short.contentLength}`);
    // undici, the product's HTTP client, notices it too.
    await assert.rejects(async () => {
      const res = await request(url);
      await res.body.arrayBuffer();
    });
    assert.equal((await rawGet(url)).outcome, 'complete', 'after count GETs the file downloads');
  });

  void it('stalls after the headers for longer than the client idle timeout', async () => {
    h.emulator.faults.mediaFault({ metadata: { room: 'a' }, file: 'participants' }, { type: 'stall', ms: 60_000 });
    const bot = await getBot(h.emulator, bots.a);
    const stalled = await rawGet(
      bot.recordings[0]!.media_shortcuts.participant_events.data.participants_download_url!,
      300,
    );
    assert.equal(stalled.status, 200);
    assert.equal(stalled.outcome, 'idle');
    assert.equal(stalled.received, 0);
    assert.equal(hitsFor('media_stall').at(-1)?.detail, '60000 ms');
  });

  void it('expires the URL of the last retrieve (403 Request has expired); a fresh retrieve works', async () => {
    h.emulator.faults.mediaFault({ metadata: { room: 'b' }, file: 'video' }, { type: 'expire_after_retrieve' });
    const stale = videoUrl(await getBot(h.emulator, bots.b));
    for (let i = 0; i < 2; i++) {
      const res = await download(stale);
      assert.equal(res.status, 403);
      assert.match(res.body.toString(), /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    }
    assert.equal((await download(videoUrl(await getBot(h.emulator, bots.b)))).status, 200);
    assert.equal(hitsFor('media_expired').length, 1);
    assert.ok(hitsFor('download_url_expired').some((x) => x.botId === bots.b && x.file === 'video'));
  });

  void it('is controlled over HTTP too, and the hits are in the audit', async () => {
    const base = h.emulator.baseUrl;
    const bad = await control(base, '/faults/media-fault', { match: {}, fault: { type: 'status', status: 200 } });
    assert.equal(bad.status, 400);
    const unknownFile = await control(base, '/faults/media-fault', {
      match: { file: 'nope' },
      fault: { type: 'short_body' },
    });
    assert.equal(unknownFile.status, 400);
    const ok = await control(base, '/faults/media-fault', {
      match: { metadata: { room: 'a' }, file: 'transcript', count: 1 },
      fault: { type: 'status', status: 500 },
    });
    assert.equal(ok.status, 204);
    const url = transcriptUrl(await getBot(h.emulator, bots.a));
    const failed = await download(url);
    assert.equal(failed.status, 500);
    assert.match(failed.body.toString(), /<Code>InternalError<\/Code>/);
    assert.equal((await download(url)).status, 200);
    const hits = (await control<{ fault: string; detail?: string }[]>(base, '/audit/fault-hits')).body;
    assert.equal(hits.at(-1)?.fault, 'media_status');
    assert.equal(hits.at(-1)?.detail, '500');
    const audit = (await control(base, '/audit')).body as { faultHits: unknown[] };
    assert.equal(audit.faultHits.length, hits.length);
  });
});
