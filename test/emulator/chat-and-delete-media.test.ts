import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
  waitForEvent,
} from './helpers';

void describe('emulator send_chat_message and delete_media', () => {
  let h: Harness;
  let botId: string;
  let meeting: ReturnType<Harness['emulator']['createMeeting']>;

  before(async () => {
    h = await harness();
    meeting = h.emulator.createMeeting(meetingSpec());
    const res = await createBot(h.emulator, {
      meeting_url: meeting.url,
      bot_name: 'BreakoutBot-2',
      recording_config: { transcript: { provider: { recallai_streaming: { mode: 'prioritize_accuracy' } } } },
    });
    botId = res.body.id;
  });
  after(() => h.close());

  void it('records a chat message in the room the bot is in when it posts', async () => {
    await waitForEvent(h.sink, botId, 'bot.breakout_room_entered');
    const res = await api(h.emulator, 'POST', `/api/v1/bot/${botId}/send_chat_message/`, {
      message: 'This room is being recorded.',
    });
    assert.equal(res.status, 200);
    const [message, ...rest] = h.emulator.audit.chatMessages();
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { botId: message?.botId, roomName: message?.roomName, to: message?.to, message: message?.message },
      { botId, roomName: 'Room 2', to: 'everyone', message: 'This room is being recorded.' },
    );
    assert.ok(message?.roomId);
  });

  void it('refuses an empty or too long message, and a bot that is not in a call', async () => {
    const empty = await api(h.emulator, 'POST', `/api/v1/bot/${botId}/send_chat_message/`, { message: '' });
    assert.equal(empty.status, 400);
    const long = await api(h.emulator, 'POST', `/api/v1/bot/${botId}/send_chat_message/`, {
      message: 'x'.repeat(4097),
    });
    assert.equal(long.status, 400);
    const scheduled = await createBot(h.emulator, {
      meeting_url: meeting.url,
      join_at: new Date(h.emulator.now() + 3600_000).toISOString(),
    });
    const unstarted = await api(h.emulator, 'POST', `/api/v1/bot/${scheduled.body.id}/send_chat_message/`, {
      message: 'hello',
    });
    assert.equal(unstarted.status, 400);
    assert.equal((unstarted.body as { code?: string }).code, 'cannot_command_unstarted_bot');
    assert.equal(h.emulator.audit.chatMessages().length, 1);
  });

  void it('delete_media removes every file: old URLs answer 404, recordings say deleted, the audit says when', async () => {
    await emulatedDelay(h.emulator, 30);
    meeting.end();
    await waitForEvent(h.sink, botId, 'transcript.done');
    const before = await getBot(h.emulator, botId);
    const recording = before.recordings[0]!;
    const urls = [
      recording.media_shortcuts.video_mixed.data.download_url!,
      recording.media_shortcuts.transcript!.data.download_url!,
      recording.media_shortcuts.participant_events.data.participant_events_download_url!,
    ];
    for (const url of urls) assert.equal((await download(url)).status, 200);

    const res = await api<BotJson>(h.emulator, 'POST', `/api/v1/bot/${botId}/delete_media/`);
    assert.equal(res.status, 200);
    for (const url of urls) assert.equal((await download(url)).status, 404, url);
    const after = await getBot(h.emulator, botId);
    assert.deepEqual(
      after.recordings.map((r) => [r.status.code, r.media_shortcuts.video_mixed.data.download_url]),
      [['deleted', null]],
    );
    assert.equal(after.recordings[0]!.media_shortcuts.transcript!.status.code, 'deleted');
    assert.ok(h.emulator.audit.bot(botId)?.recordings.every((r) => r.deletedAt !== undefined));
    await waitForEvent(h.sink, botId, 'recording.deleted');
    // Deleting again is harmless: nothing is left to delete.
    assert.equal((await api(h.emulator, 'POST', `/api/v1/bot/${botId}/delete_media/`)).status, 200);
  });
});
