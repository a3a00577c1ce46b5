/**
 * The product against a Recall that is realistic rather than kind: the emulator's default rate
 * limits stay on (Recall's base limits: create 120/min, list 60/min, the rest 300/min), and each fault
 * a real Recall shows — kicked bots, expired download URLs, slow responses, late webhooks, a host who
 * does not grant recording permission — gets a product-level test.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { readArtifact, roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.close();
});

function botsOf(roomWorkflowId: string) {
  return stack.emulator.audit.bots().filter((b) => b.metadata.workflowId === roomWorkflowId);
}

function hitsOf(fault: string, botIds: string[]) {
  return stack.emulator.audit.faultHits().filter((h) => h.fault === fault && h.botId && botIds.includes(h.botId));
}

test('a bot kicked mid-recording is replaced; both bots are collected; the room is partial with the gap', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 400, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 });
  const roomId = `${handle.workflowId}/room/room-1`;
  const first = await waitFor('the first bot to record for a while', () => {
    const bot = botsOf(roomId)[0];
    const recording = bot?.statuses.find((s) => s.code === 'in_call_recording');
    return bot && recording && Date.now() - recording.at > 1500 ? bot : undefined;
  });
  stack.emulator.faults.kickBot(first.id, 'call');
  const result = await handle.result();
  const room = result.rooms[0];
  assert.equal(room?.outcome, 'partial', room?.reason);
  assert.deepEqual(
    room?.bots.map((b) => [b.attempt, b.subCode]),
    [
      [1, 'bot_kicked_from_call'],
      [2, 'call_ended_by_host'],
    ],
  );
  const botsWithVideo = new Set(room?.artifacts.filter((a) => a.kind === 'video').map((a) => a.botId));
  assert.deepEqual([...botsWithVideo].sort(), room?.bots.map((b) => b.id).sort(), 'media of both bots is collected');
  assert.equal(room?.gaps.length, 1);
  const gap = room?.gaps[0];
  assert.ok(gap?.from && gap.to && Date.parse(gap.to) >= Date.parse(gap.from), JSON.stringify(gap));
  assert.equal(room?.bots[1]?.breakoutRoom?.name, 'Room 1', 'the replacement is in the planned room');
});

test('an expired download URL is fetched again and the recording is stored intact', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 300, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 }, `expired-${Date.now()}`);
  const roomId = `${handle.workflowId}/room/room-1`;
  // Every file's first download URL has expired by the time it is used (Recall's live 6 hours).
  stack.emulator.faults.mediaFault({ metadata: { workflowId: roomId } }, { type: 'expire_after_retrieve' });
  const result = await handle.result();
  const room = result.rooms[0];
  assert.equal(room?.outcome, 'recorded', room?.reason);
  const bot = botsOf(roomId)[0]!;
  assert.ok(hitsOf('media_expired', [bot.id]).length > 0, 'the expiry struck');
  const expected = bot.recordings[0]?.artifacts.find((a) => a.kind === 'video');
  const stored = room?.artifacts.find((a) => a.kind === 'video');
  assert.ok(expected && stored, 'a video was recorded and stored');
  const bytes = await readArtifact(stored.uri);
  assert.equal(bytes.length, expected.bytes);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), expected.sha256);
});

test('slow Recall responses: every room still records', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 300, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const startedAt = Date.now();
  stack.emulator.faults.slowResponses(1500);
  try {
    const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 });
    const result = await handle.result();
    assert.deepEqual(
      result.rooms.map((r) => [r.key, r.outcome]),
      [
        ['room-1', 'recorded'],
        ['room-2', 'recorded'],
      ],
    );
    const bots = result.rooms.flatMap((r) => r.bots.map((b) => b.id));
    assert.equal(bots.length, 2, 'one bot per room: slowness is not mistaken for failure');
    assert.ok(
      stack.emulator.audit.faultHits().some((h) => h.fault === 'slow_response' && h.at >= startedAt),
      'responses were slowed',
    );
  } finally {
    stack.emulator.faults.slowResponses(0);
  }
});

test('late webhooks: rooms reconcile by polling and end recorded, one bot each, every bot done', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 300, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  // Each delivery attempt waits 1.5 real s and a bot's deliveries go out in order, so its webhooks
  // fall further and further behind the bot (a 300-second meeting lasts 15 real s here).
  stack.emulator.faults.webhooks({ delayMs: 1500 });
  try {
    const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 });
    const result = await handle.result();
    for (const room of result.rooms) {
      assert.equal(room.outcome, 'recorded', `${room.key}: ${room.reason}`);
      assert.deepEqual(
        room.bots.map((b) => b.status),
        ['done'],
        room.key,
      );
      assert.ok(
        room.artifacts.some((a) => a.kind === 'video'),
        room.key,
      );
    }
  } finally {
    stack.emulator.faults.webhooks({});
  }
});

test('the host does not grant recording permission: the room fails saying so, with no replacement', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 300,
    breakoutRooms: [roomSpec(1)],
    recordingPermissionDenied: 'zoom_local_recording_request_denied_by_host',
  });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 });
  const roomId = `${handle.workflowId}/room/room-1`;
  const result = await handle.result();
  const room = result.rooms[0];
  assert.equal(room?.outcome, 'failed');
  assert.match(room?.reason ?? '', /permission to record|recording_permission_denied/);
  assert.equal(botsOf(roomId).length, 1, 'a new bot would meet the same host: none is created');
  assert.equal(room?.bots[0]?.subCode, 'timeout_exceeded_recording_permission_denied');
});

test('recording permission denied with policy.retryOnRecordingDenied: new bots, up to the budget', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 300,
    breakoutRooms: [roomSpec(1)],
    recordingPermissionDenied: 'zoom_host_not_present',
  });
  const handle = await stack.startMeeting({
    meetingUrl: meeting.url,
    roomCount: 1,
    policy: { retryOnRecordingDenied: true, maxBotsPerRoom: 2 },
  });
  const roomId = `${handle.workflowId}/room/room-1`;
  const result = await handle.result();
  assert.equal(result.rooms[0]?.outcome, 'failed');
  assert.equal(botsOf(roomId).length, 2, 'the policy asked for a replacement');
});

test("Recall's rate limits answer 429 to retrieve; the rooms still record", async () => {
  // Recall's base limits, with the "everything else" limit lowered so that polling five rooms
  // reaches it within a short emulated meeting (list and create keep their defaults).
  const limited = await startStack({ emulator: { rateLimits: { default: 10 } } });
  try {
    const rooms = [1, 2, 3, 4, 5].map((n) => roomSpec(n));
    const meeting = limited.emulator.createMeeting({ durationSeconds: 400, breakoutRooms: rooms });
    const handle = await limited.startMeeting({ meetingUrl: meeting.url, roomCount: rooms.length });
    const result = await handle.result();
    assert.deepEqual(
      result.rooms.map((r) => r.outcome),
      rooms.map(() => 'recorded'),
      result.rooms.map((r) => r.reason).join('; '),
    );
    const limitedRetrieves = limited.emulator.audit
      .requests()
      .filter((r) => r.status === 429 && r.method === 'GET' && /^\/api\/v1\/bot\/[^/]+\/?$/.test(r.path));
    const statuses = limited.emulator.audit.requests().map((r) => `${r.method} ${r.status}`);
    assert.ok(limitedRetrieves.length > 0, `some retrieves were answered 429 (${[...new Set(statuses)].join(', ')})`);
  } finally {
    await limited.close();
  }
});
