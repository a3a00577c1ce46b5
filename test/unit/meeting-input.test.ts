import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMeetingInput, planRooms } from '../../workflows/plan';

const url = 'https://us02web.zoom.us/j/81234567890?pwd=abc';

function errorOf(input: unknown): string {
  const parsed = parseMeetingInput(input);
  assert.equal(parsed.ok, false);
  return parsed.ok ? '' : parsed.message;
}

test('roomCount plans keys, names and bot names as the Recall guide recommends', () => {
  const parsed = parseMeetingInput({ meetingUrl: url, roomCount: 3 });
  assert.ok(parsed.ok);
  assert.deepEqual(planRooms(parsed.value), [
    { key: 'room-1', name: 'Room 1', botName: 'BreakoutBot-1' },
    { key: 'room-2', name: 'Room 2', botName: 'BreakoutBot-2' },
    { key: 'room-3', name: 'Room 3', botName: 'BreakoutBot-3' },
  ]);
});

test('bad input names the field', () => {
  assert.match(errorOf({ roomCount: 2 }), /^meetingUrl: /);
  assert.match(
    errorOf({ meetingUrl: 'https://meet.google.com/abc-defg-hij', roomCount: 2 }),
    /^meetingUrl: must be a Zoom meeting link/,
  );
  assert.match(errorOf({ meetingUrl: 'not a url', roomCount: 2 }), /^meetingUrl: /);
  assert.match(errorOf({ meetingUrl: url }), /^rooms: give either rooms or roomCount/);
  assert.match(errorOf({ meetingUrl: url, rooms: [] }), /^rooms: /);
  assert.match(errorOf({ meetingUrl: url, roomCount: 101 }), /^roomCount: /);
  assert.match(
    errorOf({ meetingUrl: url, rooms: [{ key: 'a' }, { key: 'a' }] }),
    /^rooms\[1\]\.key: duplicate room key "a"/,
  );
  assert.match(errorOf({ meetingUrl: url, rooms: [{ key: '../x' }] }), /^rooms\[0\]\.key: /);
  assert.match(errorOf({ meetingUrl: url, roomCount: 1, joinAt: 'tomorrow' }), /^joinAt: /);
  assert.match(errorOf({ meetingUrl: url, roomCount: 1, policy: { maxBotsPerRoom: 0 } }), /^policy\.maxBotsPerRoom: /);
  assert.match(errorOf({ meetingUrl: url, roomCount: 1, colour: 'red' }), /colour/);
});
