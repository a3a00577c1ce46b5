import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ArtifactKind } from '../../src/emulator';
import {
  api,
  type BotJson,
  createBot,
  download,
  emulatedDelay,
  getBot,
  type Harness,
  harness,
  meetingSpec,
  waitFor,
  waitForEvent,
} from './helpers';

interface TranscriptPart {
  participant: { id: number; name: string; is_host: boolean; platform: string; extra_data: unknown; email: null };
  words: {
    text: string;
    start_timestamp: { relative: number; absolute: string };
    end_timestamp: { relative: number };
  }[];
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function urlsOf(bot: BotJson): Record<ArtifactKind, string> {
  const shortcuts = bot.recordings[0]!.media_shortcuts;
  return {
    video: shortcuts.video_mixed.data.download_url!,
    transcript: shortcuts.transcript!.data.download_url!,
    participants: shortcuts.participant_events.data.participants_download_url!,
    participant_events: shortcuts.participant_events.data.participant_events_download_url!,
    speaker_timeline: shortcuts.participant_events.data.speaker_timeline_download_url!,
    meeting_metadata: shortcuts.meeting_metadata.data.download_url!,
  };
}

void describe('emulator recordings and media', () => {
  let h: Harness;
  let botId: string;
  before(async () => {
    h = await harness();
    const meeting = h.emulator.createMeeting(meetingSpec({ mainRoom: [] }));
    const res = await createBot(h.emulator, {
      meeting_url: meeting.url,
      bot_name: 'BreakoutBot-1',
      recording_config: { transcript: { provider: { recallai_streaming: { mode: 'prioritize_accuracy' } } } },
    });
    botId = res.body.id;
    await waitForEvent(h.sink, botId, 'bot.breakout_room_entered');
    await emulatedDelay(h.emulator, 40);
    meeting.end();
    await waitForEvent(h.sink, botId, 'transcript.done');
  });
  after(() => h.close());

  void it('transcribes exactly the words spoken in the bot room while it recorded', async () => {
    const bot = await getBot(h.emulator, botId);
    assert.equal(bot.recordings[0]!.media_shortcuts.transcript!.status.code, 'done');
    const parts = JSON.parse((await download(urlsOf(bot).transcript)).body.toString()) as TranscriptPart[];
    const words = parts.flatMap((p) => p.words.map((w) => w.text));
    assert.deepEqual(words, h.emulator.audit.bot(botId)!.spokenWords);
    assert.deepEqual([...new Set(parts.map((p) => p.participant.name))].sort(), ['Ann', 'Bob']);
    assert.ok(
      words.every((w) => ['alpha', 'bravo', 'one', 'two'].includes(w)),
      words.join(' '),
    );
    // Ann's two lines alternate: she loops through them (the recording may start on either).
    const ann = parts.filter((p) => p.participant.name === 'Ann').map((p) => p.words.map((w) => w.text).join(' '));
    assert.ok(ann.length >= 2);
    ann.forEach((line, i) => assert.equal(line, ann[i % 2]));
    assert.deepEqual([...new Set(ann)].sort(), ['alpha one', 'alpha two']);
    const first = parts[0]!;
    assert.equal(first.participant.platform, 'desktop');
    assert.equal(first.participant.email, null);
    assert.ok(first.words[0]!.start_timestamp.relative >= 0);
    assert.match(first.words[0]!.start_timestamp.absolute, /Z$/);
  });

  void it('serves downloads whose size and sha256 match the audit log', async () => {
    const bot = await getBot(h.emulator, botId);
    const audit = h.emulator.audit.bot(botId)!.recordings[0]!;
    assert.equal(audit.id, bot.recordings[0]!.id);
    const urls = urlsOf(bot);
    assert.deepEqual(audit.artifacts.map((a) => a.kind).sort(), Object.keys(urls).sort());
    for (const artifact of audit.artifacts) {
      const file = await download(urls[artifact.kind]);
      assert.equal(file.status, 200, artifact.kind);
      assert.equal(file.body.length, artifact.bytes, artifact.kind);
      assert.equal(sha256(file.body), artifact.sha256, artifact.kind);
    }
    const video = await download(urls.video);
    assert.equal(video.contentType, 'video/mp4');
    assert.ok(video.body.length > 20_000);
    assert.equal(video.body.subarray(4, 8).toString(), 'ftyp');
    const metadata = JSON.parse((await download(urls.meeting_metadata)).body.toString()) as { title: string };
    assert.equal(metadata.title, bot.recordings[0]!.media_shortcuts.meeting_metadata.data.title);
  });

  void it('writes participants, participant events and speaker timeline in the documented shapes', async () => {
    const urls = urlsOf(await getBot(h.emulator, botId));
    const participants = JSON.parse((await download(urls.participants)).body.toString()) as {
      id: number;
      name: string;
    }[];
    assert.deepEqual(
      participants.map((p) => [p.id, p.name]),
      [
        [100, 'Ann'],
        [200, 'Bob'],
      ],
    );
    const timeline = JSON.parse((await download(urls.speaker_timeline)).body.toString()) as {
      participant: { name: string };
      start_timestamp: { relative: number };
      end_timestamp: { relative: number };
    }[];
    assert.ok(timeline.length > 0);
    assert.ok(timeline.every((t) => t.end_timestamp.relative > t.start_timestamp.relative));
  });

  void it('expires download URLs on demand (403, S3-style XML) and mints fresh ones on retrieve', async () => {
    const before = urlsOf(await getBot(h.emulator, botId));
    h.emulator.faults.expireDownloadUrls();
    const expired = await download(before.video);
    assert.equal(expired.status, 403);
    assert.match(expired.body.toString(), /<Code>AccessDenied<\/Code>/);
    const fresh = urlsOf(await getBot(h.emulator, botId));
    assert.equal((await download(fresh.video)).status, 200);
    const tampered = fresh.video.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=00');
    assert.equal((await download(tampered)).status, 403);
  });

  void it('creates async transcripts on a done recording', async () => {
    const recordingId = (await getBot(h.emulator, botId)).recordings[0]!.id;
    const recording = await api(h.emulator, 'GET', `/api/v1/recording/${recordingId}/`);
    assert.equal(recording.status, 200);
    const created = await api<{ id: string; status: { code: string }; data: { download_url: string | null } }>(
      h.emulator,
      'POST',
      `/api/v1/recording/${recordingId}/create_transcript/`,
      { provider: { recallai_async: { language_code: 'auto' } } },
    );
    assert.equal(created.status, 200);
    assert.equal(created.body.status.code, 'processing');
    assert.equal(created.body.data.download_url, null);
    await waitFor('transcript.done', () =>
      h.sink.forBot(botId).find((w) => w.data.transcript?.id === created.body.id && w.event === 'transcript.done'),
    );
    const t = await api<{ data: { download_url: string } }>(
      h.emulator,
      'GET',
      `/api/v1/transcript/${created.body.id}/`,
    );
    const parts = JSON.parse((await download(t.body.data.download_url)).body.toString()) as TranscriptPart[];
    assert.deepEqual(
      parts.flatMap((p) => p.words.map((w) => w.text)),
      h.emulator.audit.bot(botId)!.spokenWords,
    );
  });
});

void describe('emulator download URL lifetime', () => {
  void it('answers 403 once downloadUrlTtlSeconds have passed', async () => {
    const h = await harness({ downloadUrlTtlSeconds: 0.5 });
    try {
      const meeting = h.emulator.createMeeting(meetingSpec());
      const { body } = await createBot(h.emulator, { meeting_url: meeting.url });
      await waitForEvent(h.sink, body.id, 'bot.in_call_recording');
      meeting.end();
      await waitForEvent(h.sink, body.id, 'recording.done');
      const url = (await getBot(h.emulator, body.id)).recordings[0]!.media_shortcuts.video_mixed.data.download_url!;
      await waitFor('expiry', async () => ((await download(url)).status === 403 ? true : undefined));
    } finally {
      await h.close();
    }
  });
});
