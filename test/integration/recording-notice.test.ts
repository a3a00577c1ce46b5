/**
 * Consent: the recording notice is posted in every breakout room a bot records, once, after the bot
 * got there (the host moves bots after they join, so a notice on joining would land in the main room).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { roomSpec, startStack, type Stack } from '../support/stack';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

test('each room’s bot posts the notice once, in its own breakout room; the result says when', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 200, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const handle = await stack.startMeeting({
    meetingUrl: meeting.url,
    roomCount: 2,
    recordingNotice: { text: 'This breakout room is being recorded.' },
  });
  const result = await handle.result();

  const messages = stack.emulator.audit.chatMessages();
  for (const [i, room] of result.rooms.entries()) {
    const botIds = new Set(room.bots.map((b) => b.id));
    const posted = messages.filter((m) => botIds.has(m.botId));
    assert.deepEqual(
      posted.map((m) => [m.roomName, m.message]),
      [[`Room ${i + 1}`, 'This breakout room is being recorded.']],
      `${room.key}: one notice, in its own room`,
    );
    assert.equal(room.recordingNotices.length, 1);
    assert.ok(Date.parse(room.recordingNotices[0]!.sentAt) > 0);
  }
});

test('a meeting that turns the notice off posts nothing', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 100, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({
    meetingUrl: meeting.url,
    roomCount: 1,
    recordingNotice: { enabled: false },
  });
  const result = await handle.result();
  const botIds = new Set(result.rooms.flatMap((r) => r.bots.map((b) => b.id)));
  assert.deepEqual(
    stack.emulator.audit.chatMessages().filter((m) => botIds.has(m.botId)),
    [],
  );
  assert.deepEqual(result.rooms[0]?.recordingNotices, []);
});
