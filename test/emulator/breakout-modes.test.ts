import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BreakoutEventsMode } from '../../src/emulator';
import { createBot, harness, meetingSpec, waitFor, waitForEvent } from './helpers';

/** Placement must not depend on the undocumented breakout webhooks: each mode places bots the same way. */
async function placed(mode: BreakoutEventsMode) {
  const h = await harness({ breakoutEvents: mode });
  try {
    const meeting = h.emulator.createMeeting(meetingSpec());
    const byName = await createBot(h.emulator, { meeting_url: meeting.url, bot_name: 'BreakoutBot-2' });
    const specific = await createBot(h.emulator, {
      meeting_url: meeting.url,
      breakout_room: { mode: 'join_specific_room', room_id: meeting.rooms[2]!.id },
    });
    const roomsOf = (id: string) => h.emulator.audit.bot(id)!.rooms.map((r) => r.roomName);
    await waitFor('both bots in their rooms', () =>
      roomsOf(byName.body.id).length === 2 && roomsOf(specific.body.id).length === 2 ? true : undefined,
    );
    // Something after the moves, so that any breakout webhook would have arrived before it.
    await waitForEvent(h.sink, byName.body.id, 'bot.in_call_recording');
    meeting.end();
    await waitForEvent(h.sink, byName.body.id, 'bot.done');
    return {
      rooms: [roomsOf(byName.body.id), roomsOf(specific.body.id)],
      breakout: h.sink.received.filter((w) => w.event.startsWith('bot.breakout_room_')),
      meeting,
    };
  } finally {
    await h.close();
  }
}

void describe('emulator breakoutEvents modes', () => {
  void it('standard: the room at data.data.breakout_room', async () => {
    const { rooms, breakout, meeting } = await placed('standard');
    assert.deepEqual(rooms, [
      [null, 'Room 2'],
      [null, 'Room 3'],
    ]);
    const entered = breakout.find((w) => w.event === 'bot.breakout_room_entered')!;
    assert.ok(meeting.rooms.some((r) => r.id === entered.data.data.breakout_room?.id));
    assert.equal((entered.data as Record<string, unknown>).breakout_room, undefined);
  });

  void it('none: no breakout webhooks at all, bots placed all the same', async () => {
    const { rooms, breakout } = await placed('none');
    assert.deepEqual(rooms, [
      [null, 'Room 2'],
      [null, 'Room 3'],
    ]);
    assert.deepEqual(breakout, []);
  });

  void it('alternate: the room at data.breakout_room, beside data.data and bot', async () => {
    const { rooms, breakout, meeting } = await placed('alternate');
    assert.deepEqual(rooms, [
      [null, 'Room 2'],
      [null, 'Room 3'],
    ]);
    const entered = breakout.filter((w) => w.event === 'bot.breakout_room_entered');
    assert.equal(entered.length, 2);
    for (const w of entered) {
      const room = (w.data as unknown as { breakout_room: { id: string; name: string } }).breakout_room;
      assert.ok(meeting.rooms.some((r) => r.id === room.id && r.name === room.name));
      assert.equal(w.data.data.breakout_room, undefined);
      assert.equal(w.data.data.code, 'breakout_room_entered');
      assert.ok(w.data.bot?.id);
    }
  });
});
