import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BotListPageSchema,
  BotSchema,
  breakoutRoomOf,
  currentStatus,
  isBreakoutRoomEvent,
  ParticipantEventsDownloadSchema,
  RecordingSchema,
  SpeakerTimelineDownloadSchema,
  TranscriptArtifactSchema,
  TranscriptDownloadSchema,
  WebhookEventSchema,
} from '../../src/recall';

const at = '2026-03-01T12:00:00.123456Z';

// Shaped after the bot_retrieve sample in the reference (§2.2).
const retrievedBot = {
  id: '8d1b8c2e-0000-4000-8000-000000000001',
  meeting_url: { meeting_id: '123', meeting_password: null, platform: 'zoom' },
  bot_name: 'BreakoutBot-1',
  join_at: null,
  recording_config: { transcript: null },
  status_changes: [
    { code: 'joining_call', message: null, created_at: at, sub_code: null },
    { code: 'in_call_recording', message: null, created_at: at, sub_code: null },
    { code: 'call_ended', message: null, created_at: at, sub_code: 'call_ended_by_host' },
  ],
  recordings: [
    {
      id: 'rec-1',
      created_at: at,
      started_at: at,
      completed_at: null,
      expires_at: null,
      status: { code: 'done', sub_code: null, updated_at: at },
      media_shortcuts: {
        video_mixed: {
          id: 'vm-1',
          created_at: at,
          status: { code: 'done', sub_code: null, updated_at: at },
          metadata: {},
          data: { download_url: 'https://media.example/v.mp4?X-Amz-Signature=abc' },
          format: 'mp4',
        },
        transcript: null,
        participant_events: {
          id: 'pe-1',
          created_at: at,
          status: { code: 'processing', sub_code: null, updated_at: at },
          metadata: {},
          data: {
            participant_events_download_url: null,
            speaker_timeline_download_url: null,
            participants_download_url: null,
          },
        },
        meeting_metadata: {
          id: 'mm-1',
          created_at: at,
          status: { code: 'done', sub_code: null, updated_at: at },
          metadata: {},
          data: { title: 'Workshop', zoom: { meeting_uuid: 'uuid==' } },
        },
      },
      metadata: {},
    },
  ],
  automatic_leave: { waiting_room_timeout: 1200 },
  zoom: { user_email: null },
  metadata: { workflowId: 'meeting/m1/room/room-1', attempt: '1' },
};

void describe('BotSchema', () => {
  void it('parses a retrieved bot and keeps unknown fields', () => {
    const bot = BotSchema.parse(retrievedBot);
    assert.equal(bot.id, retrievedBot.id);
    assert.equal(bot.metadata.workflowId, 'meeting/m1/room/room-1');
    assert.equal(
      bot.recordings[0]?.media_shortcuts.video_mixed?.data?.download_url,
      'https://media.example/v.mp4?X-Amz-Signature=abc',
    );
    assert.equal(bot.recordings[0]?.media_shortcuts.transcript, null);
    assert.equal(bot.recordings[0]?.media_shortcuts.meeting_metadata?.data?.title, 'Workshop');
    assert.deepEqual((bot as Record<string, unknown>).zoom, { user_email: null });
  });

  void it('reads a fresh create response with defaults', () => {
    const bot = BotSchema.parse({ id: 'b1', meeting_url: 'https://zoom.us/j/123', metadata: null });
    assert.deepEqual(bot.metadata, {});
    assert.deepEqual(bot.status_changes, []);
    assert.deepEqual(bot.recordings, []);
    assert.equal(currentStatus(bot), undefined);
  });

  void it('passes unknown status and sub codes through', () => {
    const bot = BotSchema.parse({
      id: 'b1',
      status_changes: [{ code: 'brand_new_status', sub_code: 'never_seen_before', created_at: at, extra: true }],
    });
    assert.deepEqual(currentStatus(bot), {
      code: 'brand_new_status',
      sub_code: 'never_seen_before',
      created_at: at,
      extra: true,
    });
  });

  void it('takes the last status change as the current status', () => {
    assert.equal(currentStatus(BotSchema.parse(retrievedBot))?.sub_code, 'call_ended_by_host');
  });

  void it('reads an absent sub code as null and drops non-string metadata values', () => {
    const bot = BotSchema.parse({
      id: 'b1',
      status_changes: [{ code: 'joining_call', created_at: at }],
      metadata: { ok: 'yes', count: 3 },
    });
    assert.equal(currentStatus(bot)?.sub_code, null);
    assert.deepEqual(bot.metadata, { ok: 'yes' });
  });

  void it('still rejects a bot without an id', () => {
    assert.equal(BotSchema.safeParse({ bot_name: 'x' }).success, false);
  });
});

void describe('other API objects', () => {
  void it('parses a list page, with next absent or null', () => {
    const page = BotListPageSchema.parse({ count: 1, results: [retrievedBot] });
    assert.equal(page.next, null);
    assert.equal(page.results.length, 1);
  });

  void it('parses a recording without media shortcuts yet', () => {
    const recording = RecordingSchema.parse({ id: 'r', status: { code: 'processing' } });
    assert.deepEqual(recording.media_shortcuts, {});
    assert.equal(recording.status.sub_code, null);
  });

  void it('parses a transcript artifact still processing', () => {
    const artifact = TranscriptArtifactSchema.parse({
      id: 't1',
      status: { code: 'processing', sub_code: null, updated_at: at },
      data: { download_url: null, provider_data_download_url: null },
      provider: { recallai_async: { language_code: 'auto' } },
      recording: { id: 'r', metadata: {} },
    });
    assert.equal(artifact.data?.download_url, null);
  });
});

void describe('download payloads', () => {
  void it('parses a transcript with null speakers and missing word timestamps', () => {
    const transcript = TranscriptDownloadSchema.parse([
      {
        participant: { id: 100, name: 'Ann', is_host: true, platform: 'desktop', extra_data: {}, email: null },
        words: [
          {
            text: 'Hello',
            start_timestamp: { relative: 9.73, absolute: at },
            end_timestamp: { relative: 10.1, absolute: 12 },
          },
        ],
      },
      { participant: null, words: [{ text: 'caption' }] },
    ]);
    assert.equal(transcript[0]?.words[0]?.start_timestamp?.relative, 9.73);
    assert.equal(transcript[1]?.participant, null);
  });

  void it('parses participant events with unknown actions and speaker timelines in both shapes', () => {
    const participant = { id: 200, name: 'Bo' };
    const events = ParticipantEventsDownloadSchema.parse([
      { id: 'e1', action: 'join', participant, timestamp: { absolute: at, relative: 0.5 }, data: null },
      {
        id: 'e2',
        action: 'chat_message',
        participant,
        timestamp: { absolute: at, relative: 1 },
        data: { text: 'hi', to: 'everyone' },
      },
      { id: 'e3', action: 'raised_hand', participant, timestamp: { absolute: at, relative: 2 } },
    ]);
    assert.equal(events[2]?.action, 'raised_hand');
    const timeline = SpeakerTimelineDownloadSchema.parse([
      { participant, start_timestamp: { relative: -1.5, absolute: at }, end_timestamp: null },
      { participant, start_timestamp: 3.5, end_timestamp: 4 },
    ]);
    assert.equal(timeline.length, 2);
  });
});

void describe('WebhookEventSchema', () => {
  void it('parses a bot status event', () => {
    const event = WebhookEventSchema.parse({
      event: 'bot.call_ended',
      data: {
        data: { code: 'call_ended', sub_code: 'bot_kicked_from_call', updated_at: at },
        bot: { id: 'b1', metadata: { workflowId: 'w1' } },
      },
    });
    assert.equal(event.data.data?.sub_code, 'bot_kicked_from_call');
    assert.equal(event.data.bot?.metadata.workflowId, 'w1');
    assert.equal(isBreakoutRoomEvent(event), false);
  });

  void it('parses recording and media events, with the bot possibly null', () => {
    const recording = WebhookEventSchema.parse({
      event: 'recording.done',
      data: {
        data: { code: 'done', sub_code: null, updated_at: at },
        recording: { id: 'r1', metadata: {} },
        bot: null,
      },
    });
    assert.equal(recording.data.bot, null);
    const media = WebhookEventSchema.parse({
      event: 'transcript.failed',
      data: {
        data: { code: 'failed', sub_code: 'zoom_global_captions_disabled', updated_at: at },
        transcript: { id: 't1', metadata: {} },
        recording: { id: 'r1', metadata: {} },
        bot: { id: 'b1', metadata: {} },
      },
    });
    assert.equal(media.data.transcript?.id, 't1');
    const video = WebhookEventSchema.parse({
      event: 'video_mixed.done',
      data: { data: { code: 'done' }, video_mixed: { id: 'v1' }, recording: { id: 'r1' }, bot: { id: 'b1' } },
    });
    assert.deepEqual(video.data.bot?.metadata, {});
  });

  void it('parses unknown events, and events with no data at all', () => {
    const calendar = WebhookEventSchema.parse({
      event: 'calendar.sync_events',
      data: { calendar_id: 'c1', last_updated_ts: at },
    });
    assert.equal((calendar.data as Record<string, unknown>).calendar_id, 'c1');
    assert.equal(WebhookEventSchema.parse({ event: 'something.new' }).event, 'something.new');
    assert.equal(WebhookEventSchema.safeParse({ data: {} }).success, false);
  });

  void it('reads the breakout room of breakout events, and tolerates a missing or odd room', () => {
    const entered = WebhookEventSchema.parse({
      event: 'bot.breakout_room_entered',
      data: {
        data: { breakout_room: { id: 'room-uuid', name: 'Room 2' }, updated_at: at },
        bot: { id: 'b1', metadata: {} },
      },
    });
    assert.equal(isBreakoutRoomEvent(entered), true);
    assert.deepEqual(breakoutRoomOf(entered), { id: 'room-uuid', name: 'Room 2' });

    const numeric = WebhookEventSchema.parse({
      event: 'bot.breakout_room_opened',
      data: { data: { breakout_room: { id: 42 } }, bot: { id: 'b1' } },
    });
    assert.equal(breakoutRoomOf(numeric)?.id, '42');

    // The other shape seen in third-party code: the room beside `data.data`, not inside it.
    const beside = WebhookEventSchema.parse({
      event: 'bot.breakout_room_entered',
      data: { data: { updated_at: at }, breakout_room: { id: 'room-uuid', name: 'Room 3' }, bot: { id: 'b1' } },
    });
    assert.deepEqual(breakoutRoomOf(beside), { id: 'room-uuid', name: 'Room 3' });

    for (const room of [undefined, null, 'room-1', { name: 'no id' }]) {
      const odd = WebhookEventSchema.parse({
        event: 'bot.breakout_room_left',
        data: { data: { breakout_room: room }, bot: { id: 'b1', metadata: {} } },
      });
      assert.equal(breakoutRoomOf(odd), undefined);
    }
  });
});
