import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecallEvent } from '../../src/contracts';
import { applyEvent, hasRecorded, isTerminal, newTrackedBot } from '../../workflows/bot-tracker';
import { recordingGaps } from '../../workflows/room-result';

let n = 0;
function ev(code: string, at: string, extra: Partial<RecallEvent> = {}): RecallEvent {
  return { eventId: `e${n++}`, event: `bot.${code}`, botId: 'b1', code, at, source: 'webhook', ...extra };
}

test('statuses move forward only; stale and out-of-order events are ignored', () => {
  const bot = newTrackedBot('b1', 1);
  assert.equal(applyEvent(bot, ev('joining_call', '2026-01-01T00:00:01Z')), true);
  assert.equal(applyEvent(bot, ev('in_call_recording', '2026-01-01T00:00:05Z')), true);
  assert.equal(bot.phase, 'in_call');
  assert.equal(bot.recording, true);
  // A late in_waiting_room would move the bot backwards.
  assert.equal(applyEvent(bot, ev('in_waiting_room', '2026-01-01T00:00:02Z')), false);
  // An older in-call event delivered late does not stop the recording.
  assert.equal(applyEvent(bot, ev('in_call_not_recording', '2026-01-01T00:00:03Z')), false);
  assert.equal(bot.recording, true);
  assert.equal(applyEvent(bot, ev('call_ended', '2026-01-01T00:10:00Z', { subCode: 'call_ended_by_host' })), true);
  assert.equal(applyEvent(bot, ev('in_call_recording', '2026-01-01T00:11:00Z')), false);
  assert.equal(applyEvent(bot, ev('done', '2026-01-01T00:10:05Z')), true);
  assert.equal(isTerminal(bot), true);
  assert.deepEqual(bot.end, { code: 'call_ended', subCode: 'call_ended_by_host', at: '2026-01-01T00:10:00Z' });
  assert.deepEqual(bot.spans, [{ from: '2026-01-01T00:00:05Z', to: '2026-01-01T00:10:00Z' }]);
  assert.equal(hasRecorded(bot), true);
});

test('a pause and resume inside the call opens a second recording span', () => {
  const bot = newTrackedBot('b1', 1);
  applyEvent(bot, ev('in_call_recording', '2026-01-01T00:00:05Z'));
  applyEvent(bot, ev('in_call_not_recording', '2026-01-01T00:01:00Z'));
  applyEvent(bot, ev('in_call_recording', '2026-01-01T00:02:00Z'));
  assert.equal(bot.spans.length, 2);
  assert.equal(bot.spans[0]?.to, '2026-01-01T00:01:00Z');
});

test('breakout events record the room entered, and leaving it back to the main room is noticed', () => {
  const bot = newTrackedBot('b1', 1);
  const room = { id: 'r-1', name: 'Room 1' };
  applyEvent(bot, {
    eventId: 'x1',
    event: 'bot.breakout_room_entered',
    botId: 'b1',
    at: '2026-01-01T00:00:02Z',
    breakoutRoom: room,
    source: 'webhook',
  });
  assert.deepEqual(bot.breakoutRoom, room);
  assert.equal(bot.leftBreakout, false);
  applyEvent(bot, {
    eventId: 'x2',
    event: 'bot.breakout_room_left',
    botId: 'b1',
    at: '2026-01-01T00:05:00Z',
    breakoutRoom: room,
    source: 'webhook',
  });
  assert.equal(bot.breakoutRoom, null);
  assert.equal(bot.leftBreakout, true);
  assert.deepEqual(bot.enteredRoom, room, 'the room it was in is still known');
});

test('a bot lost after recording leaves a gap until its replacement records', () => {
  const lost = newTrackedBot('b1', 1);
  applyEvent(lost, ev('in_call_recording', '2026-01-01T00:00:05Z'));
  applyEvent(lost, ev('fatal', '2026-01-01T00:03:00Z', { subCode: 'bot_errored' }));
  const replacement = newTrackedBot('b2', 2);
  applyEvent(replacement, ev('in_call_recording', '2026-01-01T00:04:00Z', { botId: 'b2' }));
  applyEvent(replacement, ev('call_ended', '2026-01-01T00:09:00Z', { botId: 'b2', subCode: 'call_ended_by_host' }));
  assert.deepEqual(recordingGaps([lost, replacement]), [{ from: '2026-01-01T00:03:00Z', to: '2026-01-01T00:04:00Z' }]);
  assert.deepEqual(recordingGaps([replacement]), []);
});

test('a call_ended overtaken by done still records why the bot left', () => {
  const bot = newTrackedBot('b1', 1);
  applyEvent(bot, ev('in_call_recording', '2026-01-01T00:00:05Z'));
  applyEvent(bot, ev('done', '2026-01-01T00:10:05Z'));
  assert.equal(applyEvent(bot, ev('call_ended', '2026-01-01T00:10:00Z', { subCode: 'call_ended_by_host' })), true);
  assert.equal(bot.phase, 'done');
  assert.deepEqual(bot.end, { code: 'call_ended', subCode: 'call_ended_by_host', at: '2026-01-01T00:10:00Z' });
  assert.equal(applyEvent(bot, ev('call_ended', '2026-01-01T00:10:00Z', { subCode: 'bot_kicked_from_call' })), false);
});
