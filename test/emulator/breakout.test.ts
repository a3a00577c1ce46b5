import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
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

interface ParticipantEventJson {
  action: string;
  participant: { id: number; name: string };
  timestamp: { relative: number; absolute: string };
}

void describe('emulator breakout rooms', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  const roomsOf = (botId: string) => h.emulator.audit.bot(botId)!.rooms.map((r) => r.roomName);

  void it('the host moves a bot named BreakoutBot-N into room N', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'BreakoutBot-2' });
    const entered = await waitForEvent(h.sink, body.id, 'bot.breakout_room_entered');
    assert.deepEqual(entered.data.data.breakout_room, meeting.rooms[1]);
    assert.equal(entered.data.data.code, 'breakout_room_entered');
    assert.equal(entered.data.data.sub_code, null);
    assert.match(entered.data.data.updated_at!, /Z$/);
    assert.deepEqual(roomsOf(body.id), [null, 'Room 2']);
  });

  void it('does not move bots without a room number, nor when hostPlacement is none', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec({ hostPlacement: 'none' }));
    const other = h.emulator.createMeeting(meetingSpec());
    const a = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'BreakoutBot-1' });
    const b = await createBot(h.emulator, { meeting_url: other.url, bot_name: 'Notetaker' });
    await waitForEvent(h.sink, a.body.id, 'bot.in_call_recording');
    await waitForEvent(h.sink, b.body.id, 'bot.in_call_recording');
    // Well past the moment the host would have moved them.
    await emulatedDelay(h.emulator, 10);
    meeting.end();
    other.end();
    await waitForEvent(h.sink, a.body.id, 'bot.done');
    await waitForEvent(h.sink, b.body.id, 'bot.done');
    assert.deepEqual(roomsOf(a.body.id), [null]);
    assert.deepEqual(roomsOf(b.body.id), [null]);
  });

  void it('sends a bot pre-assigned by zoom.user_email straight to its room', async () => {
    const spec = meetingSpec();
    spec.breakoutRooms[2]!.preassignedEmails = ['bot3@example.com'];
    const meeting = h.emulator.createMeeting(spec);
    const { body } = await createBot(h.emulator, {
      meeting_url: meeting.url,
      bot_name: 'Recorder',
      zoom: { user_email: 'Bot3@example.com' },
    });
    const entered = await waitForEvent(h.sink, body.id, 'bot.breakout_room_entered');
    assert.equal(entered.data.data.breakout_room!.name, 'Room 3');
  });

  void it('join_specific_room goes to that room once it opens; join_main_room stays and hears the room events', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec({ breakoutOpensAtSeconds: 30 }));
    const specific = await createBot(h.emulator, {
      meeting_url: meeting.url,
      bot_name: 'BreakoutBot-1',
      breakout_room: { mode: 'join_specific_room', room_id: meeting.rooms[2]!.id },
    });
    const main = await createBot(h.emulator, {
      meeting_url: meeting.url,
      bot_name: 'BreakoutBot-2',
      breakout_room: { mode: 'join_main_room' },
    });
    const entered = await waitForEvent(h.sink, specific.body.id, 'bot.breakout_room_entered');
    assert.equal(entered.data.data.breakout_room!.id, meeting.rooms[2]!.id);
    const opened = await waitFor('3 opened events', () => {
      const events = h.sink.forBot(main.body.id).filter((w) => w.event === 'bot.breakout_room_opened');
      return events.length === 3 ? events : undefined;
    });
    assert.deepEqual(
      opened.map((w) => w.data.data.breakout_room),
      meeting.rooms,
    );
    meeting.closeRoom('Room 1');
    await waitForEvent(h.sink, main.body.id, 'bot.breakout_room_closed');
    assert.deepEqual(roomsOf(main.body.id), [null]);
  });

  void it('a move shows everyone leaving and the new room joining; a closing room returns the bot to the main room', async () => {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'BreakoutBot-1' });
    await waitForEvent(h.sink, body.id, 'bot.breakout_room_entered');
    meeting.closeRoom(meeting.rooms[0]!.id);
    const left = await waitForEvent(h.sink, body.id, 'bot.breakout_room_left');
    assert.equal(left.data.data.breakout_room!.name, 'Room 1');
    assert.deepEqual(roomsOf(body.id), [null, 'Room 1', null]);
    meeting.end();
    await waitForEvent(h.sink, body.id, 'participant_events.done');

    const bot = await getBot(h.emulator, body.id);
    const url = bot.recordings[0]!.media_shortcuts.participant_events.data.participant_events_download_url!;
    const events = JSON.parse((await download(url)).body.toString()) as ParticipantEventJson[];
    const seq = events.map((e) => `${e.action} ${e.participant.name}`);
    // Recording starts in the main room with the host; the host moves the bot into Room 1; the room
    // closes and everyone comes back to the main room, the host among them.
    assert.deepEqual(seq, [
      'join Hana Host',
      'leave Hana Host',
      'join Ann',
      'join Bob',
      'leave Ann',
      'leave Bob',
      'join Hana Host',
      'join Ann',
      'join Bob',
    ]);
    const ids = new Map(events.map((e) => [e.participant.name, e.participant.id]));
    assert.deepEqual([...ids.values()].sort(), [100, 200, 300]);
  });
});
