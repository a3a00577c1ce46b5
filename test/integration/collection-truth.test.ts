/**
 * What a room reports is what Recall holds: a recording whose in-call webhooks came late is still
 * collected, media still processing after `done` is waited for, a video that cannot be had makes the
 * room partial with the reason, and a store that fails at the end delays the manifest, never drops it.
 */
import assert from 'node:assert/strict';
import { rm, writeFile, access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import { meetingStatusQuery, roomStatusQuery } from '../../src/contracts/messages';
import { roomSpec, startStack, type Stack } from '../support/stack';
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

test('in-call webhooks that arrive after `done`: the bot’s recordings are still collected, the room is recorded', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 200, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 2 });
  const lateRoom = `${handle.workflowId}/room/room-1`;
  stack.emulator.faults.lateInCallWebhooks({ metadata: { workflowId: lateRoom } });
  const result = await handle.result();

  assert.ok(
    stack.emulator.audit.faultHits().some((h) => h.fault === 'late_in_call_webhooks'),
    'the fault struck',
  );
  const room = result.rooms.find((r) => r.workflowId === lateRoom);
  assert.equal(room?.outcome, 'recorded', room?.reason);
  const [bot] = botsOf(lateRoom);
  assert.ok(bot && bot.recordings.length > 0);
  const video = room.artifacts.find((a) => a.kind === 'video');
  assert.equal(video?.sha256, bot.recordings[0]?.artifacts.find((a) => a.kind === 'video')?.sha256);
  assert.deepEqual(room.missing, []);
});

test('media still processing after `done` is waited for, then stored', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 100, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 1 });
  const roomId = `${handle.workflowId}/room/room-1`;
  stack.emulator.faults.lateProcessing({ metadata: { workflowId: roomId } }, 120);
  const result = await handle.result();

  assert.ok(stack.emulator.audit.faultHits().some((h) => h.fault === 'late_processing'));
  const [room] = result.rooms;
  assert.equal(room?.outcome, 'recorded', room?.reason);
  const kinds = new Set(room.artifacts.map((a) => a.kind));
  for (const kind of ['video', 'transcript', 'participant_events'] as const) assert.ok(kinds.has(kind), kind);
});

test('a video that storage never serves: the room is partial, never recorded, and says which file is missing and why', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 100, breakoutRooms: [roomSpec(1)] });
  const handle = await stack.startMeeting({
    meetingUrl: meeting.url,
    roomCount: 1,
    policy: { mediaTimeoutSeconds: 15 },
  });
  const roomId = `${handle.workflowId}/room/room-1`;
  stack.emulator.faults.mediaFault(
    { metadata: { workflowId: roomId }, file: 'video' },
    { type: 'status', status: 404 },
  );
  const result = await handle.result();

  const [room] = result.rooms;
  assert.equal(room?.outcome, 'partial', room?.reason);
  assert.ok(!room.artifacts.some((a) => a.kind === 'video'));
  const missingVideo = room.missing.find((m) => m.kind === 'video');
  assert.ok(missingVideo, JSON.stringify(room.missing));
  assert.match(missingVideo.reason, /404/);
  assert.match(room.reason, /video of bot .* missing/);
  assert.ok(
    room.artifacts.some((a) => a.kind === 'transcript'),
    'the other files are kept',
  );
});

test('a store that fails when the manifests are due: rooms and meeting wait in storage_unavailable, then write them', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 60, breakoutRooms: [roomSpec(1)] });
  const key = `store-outage-${Date.now()}`;
  const meetingDir = dirname(
    new LocalArtifactStore(stack.artifactsDir).pathOf({ meetingWorkflowId: `meeting/${key}`, name: 'manifest.json' }),
  );
  // A file where the meeting's folder belongs: every write under it fails, as on a broken volume.
  await writeFile(meetingDir, 'not a folder');
  const handle = await stack.startMeeting(
    { meetingUrl: meeting.url, roomCount: 1, policy: { mediaTimeoutSeconds: 10 } },
    key,
  );
  const room = stack.temporal.client.workflow.getHandle(`${handle.workflowId}/room/room-1`);
  await waitFor(
    'the room to wait for its store',
    async () => (await room.query(roomStatusQuery).catch(() => undefined))?.state === 'storage_unavailable',
    120_000,
  );
  await rm(meetingDir);
  await waitFor(
    'the meeting to write its manifest',
    async () => {
      const status = await handle.query(meetingStatusQuery);
      return status.state === 'done' || undefined;
    },
    120_000,
  );
  const result = await handle.result();

  await access(fileURLToPath(result.manifestUri));
  const [roomResult] = result.rooms;
  assert.ok(roomResult);
  await access(
    new LocalArtifactStore(stack.artifactsDir).pathOf({
      meetingWorkflowId: handle.workflowId,
      roomKey: 'room-1',
      name: 'room.json',
    }),
  );
  assert.equal(roomResult.outcome, 'partial', 'the recording happened; its files could not be stored in time');
  assert.ok(roomResult.missing.some((m) => m.kind === 'video'));
});
