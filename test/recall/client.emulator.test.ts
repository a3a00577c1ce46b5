/**
 * RecallClient against the Recall emulator: every call, every error class the emulator can
 * produce, downloads, and the idempotency behaviour bot creation relies on.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type AuditRecording, type EmulatedMeeting, type Emulator } from '../../src/emulator';
import {
  type Bot,
  currentStatus,
  ParticipantEventsDownloadSchema,
  ParticipantsDownloadSchema,
  RecallApiError,
  RecallClient,
  SpeakerTimelineDownloadSchema,
  TranscriptDownloadSchema,
} from '../../src/recall';
import { rejectsWith } from './support/rejects-with';

const apiKey = 'emulator-key-7f3a9c';
const MB = 1024 * 1024;

/** Polls until the bot satisfies `done`; the deadline only guards against a hung emulator. */
async function waitForBot(client: RecallClient, id: string, done: (bot: Bot) => boolean): Promise<Bot> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const bot = await client.retrieveBot(id);
    if (done(bot)) return bot;
    if (Date.now() > deadline) throw new Error(`bot ${id} stuck at ${currentStatus(bot)?.code ?? 'no status'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const isTerminal = (bot: Bot) => ['done', 'fatal'].includes(currentStatus(bot)?.code ?? '');

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

void describe('RecallClient (emulator)', () => {
  let emu: Emulator;
  let client: RecallClient;
  let meeting: EmulatedMeeting;
  let keySeq = 0;
  const key = (label: string) => `test/${label}#${++keySeq}`;
  /** More than 10 emulated minutes ahead: a scheduled bot that never dispatches during a test. */
  const farJoinAt = () => new Date(emu.now() + 2 * 60 * 60 * 1000).toISOString();

  before(async () => {
    emu = await startEmulator({ apiKey, timeScale: 30, rateLimits: { create: 0, list: 0, default: 0 } });
    client = new RecallClient({ apiKey, baseUrl: emu.baseUrl });
    meeting = emu.createMeeting({
      durationSeconds: 3600,
      breakoutRooms: [
        { name: 'Room 1', participants: [{ name: 'Ann', lines: ['hello there'] }] },
        { name: 'Room 2', participants: [{ name: 'Bo', lines: ['good morning'] }] },
      ],
    });
  });
  after(async () => {
    emu.faults.reset();
    await client.close();
    await emu.close();
  });

  void describe('bots', () => {
    void it('creates, retrieves and lists a bot with its metadata', async () => {
      const created = await client.createBot(
        { meeting_url: meeting.url, bot_name: 'Scheduled', join_at: farJoinAt(), metadata: { workflowId: 'w-create' } },
        { idempotencyKey: key('create') },
      );
      assert.equal(created.metadata.workflowId, 'w-create');
      const retrieved = await client.retrieveBot(created.id);
      assert.equal(retrieved.id, created.id);
      assert.equal(retrieved.bot_name, 'Scheduled');
      const listed = await client.listAllBots({ metadata: { workflowId: 'w-create' } });
      assert.deepEqual(
        listed.map((bot) => bot.id),
        [created.id],
      );
    });

    void it('replays the same bot for a repeated Idempotency-Key', async () => {
      const idempotencyKey = key('replay');
      const body = { meeting_url: meeting.url, join_at: farJoinAt(), metadata: { workflowId: 'w-replay' } };
      const first = await client.createBot(body, { idempotencyKey });
      const second = await client.createBot(body, { idempotencyKey });
      assert.equal(second.id, first.id);
      assert.equal(emu.audit.bots().filter((bot) => bot.idempotencyKey === idempotencyKey).length, 1);
    });

    void it('turns a lost create response into a retryable network error, and the retry finds the bot', async () => {
      const idempotencyKey = key('lost');
      const body = { meeting_url: meeting.url, join_at: farJoinAt(), metadata: { workflowId: 'w-lost' } };
      emu.faults.loseNextCreateResponses(1);
      await rejectsWith(client.createBot(body, { idempotencyKey }), {
        status: 0,
        code: 'network_error',
        retryable: true,
      });
      const retried = await client.createBot(body, { idempotencyKey });
      const created = emu.audit.bots().filter((bot) => bot.idempotencyKey === idempotencyKey);
      assert.deepEqual(
        created.map((bot) => bot.id),
        [retried.id],
      );
    });

    void it('answers 409 while the same Idempotency-Key is in flight', async () => {
      const idempotencyKey = key('in-flight');
      const body = { meeting_url: meeting.url, join_at: farJoinAt() };
      emu.faults.slowResponses(1000);
      try {
        const outcomes = await Promise.allSettled([
          client.createBot(body, { idempotencyKey }),
          client.createBot(body, { idempotencyKey }),
        ]);
        const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
        assert.equal(rejected.length, 1, 'exactly one of two concurrent creates is turned away');
        const error: unknown = rejected[0]?.reason;
        assert.ok(error instanceof RecallApiError);
        assert.equal(error.status, 409);
        assert.equal(error.retryable, true);
      } finally {
        emu.faults.slowResponses(0);
      }
    });

    void it('deletes a scheduled bot (204) but not a dispatched one (405)', async () => {
      const scheduled = await client.createBot(
        { meeting_url: meeting.url, join_at: farJoinAt() },
        { idempotencyKey: key('del') },
      );
      await client.deleteBot(scheduled.id);
      await rejectsWith(client.retrieveBot(scheduled.id), { status: 404, retryable: false });

      const adHoc = await client.createBot(
        { meeting_url: meeting.url, bot_name: 'AdHoc' },
        { idempotencyKey: key('del-adhoc') },
      );
      await waitForBot(client, adHoc.id, (b) => b.status_changes.length > 0);
      await rejectsWith(client.deleteBot(adHoc.id), {
        status: 405,
        code: 'http_405',
        retryable: false,
        method: 'DELETE',
      });
      await client.leaveCall(adHoc.id);
    });

    void it('leaves a call, then gets 400 cannot_command_completed_bot once the bot is done', async () => {
      const bot = await client.createBot(
        { meeting_url: meeting.url, bot_name: 'Leaver' },
        { idempotencyKey: key('leave') },
      );
      await waitForBot(client, bot.id, (b) => (currentStatus(b)?.code ?? '').startsWith('in_call'));
      const leaving = await client.leaveCall(bot.id);
      assert.equal(leaving.id, bot.id);
      const finished = await waitForBot(client, bot.id, isTerminal);
      assert.equal(currentStatus(finished)?.code, 'done');
      assert.ok(finished.status_changes.some((change) => change.sub_code === 'bot_received_leave_call'));
      await rejectsWith(client.leaveCall(bot.id), {
        status: 400,
        code: 'cannot_command_completed_bot',
        retryable: false,
        path: `/api/v1/bot/${bot.id}/leave_call/`,
      });
    });

    void it('answers 400 cannot_command_unstarted_bot for a scheduled bot', async () => {
      const bot = await client.createBot(
        { meeting_url: meeting.url, join_at: farJoinAt() },
        { idempotencyKey: key('unstarted') },
      );
      await rejectsWith(client.stopRecording(bot.id), { status: 400, code: 'cannot_command_unstarted_bot' });
      await client.deleteBot(bot.id);
    });

    void it('lists across pages by following next, with a metadata filter', async () => {
      const batch = `batch-${Date.now()}`;
      const ids = new Set<string>();
      for (let i = 0; i < 55; i++) {
        const bot = await client.createBot(
          { meeting_url: meeting.url, join_at: farJoinAt(), metadata: { batch, index: String(i) } },
          { idempotencyKey: key(`list-${i}`) },
        );
        ids.add(bot.id);
      }
      const before = emu.audit
        .requests()
        .filter((r) => r.method === 'GET' && r.path.replace(/\/$/, '') === '/api/v1/bot').length;
      const listed = await client.listAllBots({ metadata: { batch } });
      const pages =
        emu.audit.requests().filter((r) => r.method === 'GET' && r.path.replace(/\/$/, '') === '/api/v1/bot').length -
        before;
      assert.equal(listed.length, 55);
      assert.deepEqual(new Set(listed.map((bot) => bot.id)), ids);
      assert.ok(listed.every((bot) => bot.metadata.batch === batch));
      assert.equal(pages, 2);
      assert.deepEqual(await client.listAllBots({ metadata: { batch: 'no-such-batch' } }), []);
    });
  });

  void describe('errors', () => {
    void it('answers 401 for a wrong key', async () => {
      const wrong = new RecallClient({ apiKey: 'not-the-key', baseUrl: emu.baseUrl });
      try {
        await rejectsWith(wrong.retrieveBot('anything'), { status: 401, detail: 'Invalid token.', retryable: false });
      } finally {
        await wrong.close();
      }
    });

    void it('answers 404 for an unknown bot', async () => {
      await rejectsWith(client.retrieveBot('00000000-0000-4000-8000-000000000000'), { status: 404, retryable: false });
    });

    void it('surfaces injected 429 with retryAfterMs, 507 and 5xx as retryable', async () => {
      const body = { meeting_url: meeting.url, join_at: farJoinAt() };
      emu.faults.failNextCreates(1, 429, 7);
      await rejectsWith(client.createBot(body, { idempotencyKey: key('429') }), {
        status: 429,
        retryAfterMs: 7000,
        retryable: true,
      });
      emu.faults.failNextCreates(1, 507, 30);
      await rejectsWith(client.createBot(body, { idempotencyKey: key('507') }), {
        status: 507,
        retryAfterMs: 30_000,
        retryable: true,
      });
      for (const status of [500, 502, 503] as const) {
        emu.faults.failNextCreates(1, status);
        await rejectsWith(client.createBot(body, { idempotencyKey: key(`${status}`) }), { status, retryable: true });
      }
    });

    void it('keeps answering 507 for a key that got 507, so a retry needs a new key', async () => {
      const idempotencyKey = key('507-replay');
      const body = { meeting_url: meeting.url, join_at: farJoinAt() };
      emu.faults.failNextCreates(1, 507);
      await rejectsWith(client.createBot(body, { idempotencyKey }), { status: 507 });
      await rejectsWith(client.createBot(body, { idempotencyKey }), { status: 507 });
      const fresh = await client.createBot(body, { idempotencyKey: key('507-fresh') });
      assert.ok(fresh.id);
    });

    void it('answers 429 from the real rate limiter with Retry-After', async () => {
      const limited = await startEmulator({ apiKey, rateLimits: { default: 1 } });
      const limitedClient = new RecallClient({ apiKey, baseUrl: limited.baseUrl });
      try {
        await rejectsWith(limitedClient.retrieveBot('x'), { status: 404 });
        const error = await rejectsWith(limitedClient.retrieveBot('x'), { status: 429, retryable: true });
        assert.ok(error.retryAfterMs !== undefined && error.retryAfterMs > 0);
      } finally {
        await limitedClient.close();
        await limited.close();
      }
    });

    void it('times out on slow responses', async () => {
      const impatient = new RecallClient({ apiKey, baseUrl: emu.baseUrl, timeoutMs: 100 });
      emu.faults.slowResponses(1000);
      try {
        await rejectsWith(
          impatient.createBot({ meeting_url: meeting.url, join_at: farJoinAt() }, { idempotencyKey: key('slow') }),
          { status: 0, code: 'timeout', retryable: true },
        );
      } finally {
        emu.faults.slowResponses(0);
        await impatient.close();
      }
    });

    void it('reports a closed emulator as a network error', async () => {
      const gone = await startEmulator({ apiKey });
      const baseUrl = gone.baseUrl;
      await gone.close();
      const orphan = new RecallClient({ apiKey, baseUrl });
      try {
        await rejectsWith(orphan.retrieveBot('b1'), { status: 0, code: 'network_error', retryable: true });
      } finally {
        await orphan.close();
      }
    });
  });

  void describe('recordings and media', () => {
    let recorded: Bot;

    before(async () => {
      const bot = await client.createBot(
        {
          meeting_url: meeting.url,
          bot_name: 'BreakoutBot-1',
          recording_config: { transcript: { provider: { meeting_captions: {} } } },
          metadata: { workflowId: 'w-media' },
        },
        { idempotencyKey: key('media') },
      );
      // Let it record some speech in its room, then end the call and wait for the media.
      await waitForBot(client, bot.id, (b) => currentStatus(b)?.code === 'in_call_recording');
      await client.stopRecording(bot.id);
      await client.startRecording(bot.id);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await client.leaveCall(bot.id);
      recorded = await waitForBot(
        client,
        bot.id,
        (b) =>
          isTerminal(b) &&
          b.recordings.length > 0 &&
          b.recordings.every((r) => r.status.code === 'done' && r.media_shortcuts.transcript?.status.code === 'done'),
      );
    });

    void it('retrieves recordings, their shortcuts and transcripts', async () => {
      assert.ok(recorded.recordings.length >= 1);
      const last = recorded.recordings.at(-1);
      assert.ok(last);
      const recording = await client.retrieveRecording(last.id);
      assert.equal(recording.id, last.id);
      assert.ok(recording.media_shortcuts.video_mixed?.data?.download_url);
      const transcriptId = recording.media_shortcuts.transcript?.id;
      assert.ok(transcriptId);
      const transcript = await client.retrieveTranscript(transcriptId);
      assert.equal(transcript.status.code, 'done');

      const created = await client.createTranscript(last.id, {
        provider: { recallai_async: { language_code: 'auto' } },
      });
      assert.equal(created.status.code, 'processing');
      assert.equal((await client.retrieveTranscript(created.id)).id, created.id);
    });

    void it('downloads media whose bytes match what the vendor recorded, and parses the JSON artifacts', async () => {
      const audit = emu.audit.bot(recorded.id);
      assert.ok(audit);
      const spoken = audit.spokenWords.join(' ');
      const words: string[] = [];
      for (const recording of recorded.recordings) {
        const shortcuts = recording.media_shortcuts;
        const videoUrl = shortcuts.video_mixed?.data?.download_url;
        assert.ok(videoUrl);
        const video = await client.download(videoUrl, { maxBytes: 100 * MB });
        const bytes = await readAll(video.body);
        const expected: AuditRecording['artifacts'][number] | undefined = audit.recordings
          .find((r) => r.id === recording.id)
          ?.artifacts.find((a) => a.kind === 'video');
        assert.ok(expected);
        assert.equal(bytes.length, expected.bytes);
        assert.equal(createHash('sha256').update(bytes).digest('hex'), expected.sha256);

        const json = async (url: string | null | undefined) => {
          assert.ok(url);
          return JSON.parse(
            (await readAll((await client.download(url, { maxBytes: 10 * MB })).body)).toString('utf8'),
          ) as unknown;
        };
        const transcript = TranscriptDownloadSchema.parse(await json(shortcuts.transcript?.data?.download_url));
        words.push(...transcript.flatMap((part) => part.words.map((word) => word.text)));
        const data = shortcuts.participant_events?.data;
        ParticipantsDownloadSchema.parse(await json(data?.participants_download_url));
        ParticipantEventsDownloadSchema.parse(await json(data?.participant_events_download_url));
        SpeakerTimelineDownloadSchema.parse(await json(data?.speaker_timeline_download_url));
      }
      assert.equal(words.join(' '), spoken);
      assert.match(spoken, /hello/);
    });

    void it('stops a download past maxBytes', async () => {
      const url = recorded.recordings[0]?.media_shortcuts.video_mixed?.data?.download_url;
      assert.ok(url);
      await rejectsWith(client.download(url, { maxBytes: 10 }), { code: 'too_large', retryable: false });
    });

    void it('reports an expired URL as download_url_expired; re-retrieving gives a fresh one', async () => {
      const url = recorded.recordings[0]?.media_shortcuts.video_mixed?.data?.download_url;
      assert.ok(url);
      emu.faults.expireDownloadUrls();
      await rejectsWith(client.download(url, { maxBytes: 100 * MB }), {
        status: 403,
        code: 'download_url_expired',
        retryable: false,
      });
      const fresh = (await client.retrieveBot(recorded.id)).recordings[0]?.media_shortcuts.video_mixed?.data
        ?.download_url;
      assert.ok(fresh);
      const download = await client.download(fresh, { maxBytes: 100 * MB });
      assert.ok((await readAll(download.body)).length > 0);
    });
  });
});
