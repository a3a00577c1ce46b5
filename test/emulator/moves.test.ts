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
  waitForEvent,
} from './helpers';

interface ParticipantEventJson {
  action: string;
  participant: { id: number; name: string; email: string | null };
  timestamp: { relative: number; absolute: string };
}

void describe('emulator: participants moving between rooms', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  void it('main room → breakout → main room: the room’s bot sees them join and leave, with emails when identified', async () => {
    const spec = meetingSpec({
      identifiedEmails: true,
      moves: [
        { atSeconds: 20, name: 'Mo', to: 'Room 2' },
        { atSeconds: 40, name: 'Ann', to: 'Room 2' },
        { atSeconds: 60, name: 'Mo', to: null },
      ],
    });
    spec.mainRoom!.push({ name: 'Mo', email: 'mo@example.com', lines: ['mike one'] });
    const meeting = h.emulator.createMeeting(spec);
    const { body } = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'BreakoutBot-2' });
    await waitForEvent(h.sink, body.id, 'bot.breakout_room_entered');
    // Past the last move, then the meeting ends and the files are final.
    await emulatedDelay(h.emulator, 70);
    meeting.end();
    await waitForEvent(h.sink, body.id, 'participant_events.done');
    const bot = await getBot(h.emulator, body.id);
    const url = bot.recordings[0]!.media_shortcuts.participant_events.data.participant_events_download_url!;
    const list = JSON.parse((await download(url)).body.toString()) as ParticipantEventJson[];
    assert.deepEqual(
      list.map((e) => `${e.action} ${e.participant.name} ${e.participant.email ?? '-'}`),
      [
        // Recording starts in the main room; the host moves the bot into Room 2.
        'join Hana Host -',
        'join Mo mo@example.com',
        'leave Hana Host -',
        'leave Mo mo@example.com',
        'join Cy -',
        'join Mo mo@example.com',
        'join Ann -',
        'leave Mo mo@example.com',
      ],
    );
    const at = (action: string, name: string) =>
      Date.parse(list.findLast((e) => e.action === action && e.participant.name === name)!.timestamp.absolute);
    assert.ok(at('join', 'Mo') < at('join', 'Ann') && at('join', 'Ann') < at('leave', 'Mo'));
  });

  void it('refuses moves of unknown people or into unknown rooms', () => {
    assert.throws(
      () => h.emulator.createMeeting(meetingSpec({ moves: [{ atSeconds: 1, name: 'Nobody', to: null }] })),
      /no participant named "Nobody"/,
    );
    assert.throws(
      () => h.emulator.createMeeting(meetingSpec({ moves: [{ atSeconds: 1, name: 'Ann', to: 'Room 9' }] })),
      /no breakout room named "Room 9"/,
    );
  });
});
