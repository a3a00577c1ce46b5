/**
 * The chaos run's checks can fail: each is fed one crafted violation of what it guards (the holes an
 * audit found: a bot that never left the main room, a manifest whose sha256 is not the file's, an
 * orphan hidden by the emulated meeting's end, a failed room in a recoverable schedule).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Artifact, RoomResult } from '../../src/contracts';
import type { AuditBot } from '../../src/emulator';
import {
  ANY_OUTCOME,
  botsAliveAfterRoomClosed,
  foreignArtifacts,
  lostRooms,
  overlappingLiveBots,
  RECOVERABLE,
  unstoredRecordings,
  type RoomReport,
} from '../support/invariants';

const ROOM = 'meeting/m/room/room-1';
const SHA = 'a'.repeat(64);

function bot(id: string, fields: Partial<AuditBot> = {}): AuditBot {
  return {
    id,
    botName: 'BreakoutBot-1',
    meetingId: '1',
    metadata: { workflowId: ROOM },
    createdAt: 1000,
    statuses: [{ code: 'done', subCode: null, at: 9000 }],
    rooms: [
      { roomId: null, roomName: null, enteredAt: 1000 },
      { roomId: 'r1', roomName: 'Room 1', enteredAt: 2000 },
    ],
    liveFrom: 1000,
    liveUntil: 9000,
    recordings: [{ id: 'rec', startedAt: 2000, artifacts: [{ kind: 'video', bytes: 10, sha256: SHA }] }],
    spokenWords: [],
    ...fields,
  };
}

const artifact = (fields: Partial<Artifact> = {}): Artifact => ({
  kind: 'video',
  uri: 'file:///x/video.mp4',
  bytes: 10,
  sha256: SHA,
  botId: 'b1',
  recordingId: 'rec',
  ...fields,
});

function room(fields: Partial<RoomResult> = {}): RoomResult {
  return {
    key: 'room-1',
    name: 'Room 1',
    workflowId: ROOM,
    outcome: 'recorded',
    reason: 'the meeting ended',
    bots: [{ id: 'b1', attempt: 1, status: 'done', subCode: null, breakoutRoom: { id: 'r1', name: 'Room 1' } }],
    artifacts: [artifact()],
    missing: [],
    gaps: [],
    timeline: [],
    recordingNotices: [],
    ...fields,
  };
}

const report = (fields: Partial<RoomReport> = {}): RoomReport => ({
  workflowId: ROOM,
  run: 'run 1',
  startedAt: 500,
  result: room(),
  manifest: room(),
  allowed: RECOVERABLE,
  ...fields,
});

const onDisk = () => Promise.resolve({ raw: { bytes: 10, sha256: SHA }, vendorForm: { bytes: 10, sha256: SHA } });

test('the checks pass a room that recorded right', async () => {
  const bots = [bot('b1')];
  assert.deepEqual(lostRooms([report()]), []);
  assert.deepEqual(foreignArtifacts(bots, [report()]), []);
  assert.deepEqual((await unstoredRecordings(bots, [report()], onDisk)).mismatches, []);
  assert.deepEqual(
    botsAliveAfterRoomClosed(bots, new Map([[ROOM, [{ startedAt: 500, closedAt: 9500 }]]]), 0, 10_000),
    [],
  );
});

test('a failed room fails a recoverable schedule, and passes where any outcome is allowed', () => {
  const failed = room({ outcome: 'failed', reason: 'bot creation failed' });
  assert.equal(lostRooms([report({ result: failed, manifest: failed })]).length, 2);
  assert.deepEqual(lostRooms([report({ result: failed, manifest: failed, allowed: ANY_OUTCOME })]), []);
  assert.match(lostRooms([report({ manifest: undefined })])[0]!, /no outcome and reason in its manifest/);
});

test('a manifest whose sha256 or bytes are not those of the file on disk is a mismatch', async () => {
  const wrong = room({ artifacts: [artifact({ sha256: 'b'.repeat(64) })] });
  const check = await unstoredRecordings([bot('b1')], [report({ manifest: wrong })], onDisk);
  assert.match(check.mismatches[0]!, /the manifest reports 10 B sha256 bbbb/);
  const short = await unstoredRecordings(
    [bot('b1')],
    [report({ result: room({ artifacts: [artifact({ bytes: 9 })] }) })],
    onDisk,
  );
  assert.match(short.mismatches[0]!, /the result reports 9 B/);
  const unstored = await unstoredRecordings(
    [bot('b1')],
    [report({ result: room({ artifacts: [] }), manifest: room({ artifacts: [] }) })],
    onDisk,
  );
  assert.match(unstored.missing[0]!, /video not stored \(not listed missing\)/);
});

test('a bot that never left the main room, or entered another room, or came from an earlier run, is foreign', () => {
  const mainOnly = bot('b1', { rooms: [{ roomId: null, roomName: null, enteredAt: 1000 }] });
  assert.match(foreignArtifacts([mainOnly], [report()])[0]!, /never entered breakout room "Room 1"/);
  // Kept, and right, only when the room says the bot stayed in the main room.
  const saysMainRoom = room({
    bots: [{ id: 'b1', attempt: 1, status: 'done', subCode: null, breakoutRoom: null }],
    placementWarning: 'no bot of this room was seen entering a breakout room: the recording may be of the main room',
  });
  assert.deepEqual(foreignArtifacts([mainOnly], [report({ result: saysMainRoom })]), []);
  const unflagged = room({ bots: [{ id: 'b1', attempt: 1, status: 'done', subCode: null, breakoutRoom: null }] });
  assert.match(foreignArtifacts([mainOnly], [report({ result: unflagged })])[0]!, /never entered breakout room/);
  const wandered = bot('b1', { rooms: [...bot('b1').rooms, { roomId: 'r2', roomName: 'Room 2', enteredAt: 5000 }] });
  assert.match(foreignArtifacts([wandered], [report()])[0]!, /was in breakout room "Room 2"/);
  assert.match(foreignArtifacts([bot('b1')], [report({ startedAt: 5000 })])[0]!, /an earlier run's bot/);
});

test('a bot live after its room closed is an orphan, even when a later run covers a later span', () => {
  const runs = new Map([[ROOM, [{ startedAt: 500, closedAt: 3000 }, { startedAt: 20_000 }]]]);
  assert.match(botsAliveAfterRoomClosed([bot('b1')], runs, 1000, 30_000)[0]!, /live 6\.0 s after its room closed/);
  const live = bot('b1', { liveUntil: undefined, statuses: [{ code: 'in_call_recording', subCode: null, at: 2000 }] });
  assert.match(
    botsAliveAfterRoomClosed([live], new Map([[ROOM, [{ startedAt: 500, closedAt: 3000 }]]]), 1000, 10_000)[0]!,
    /still in_call_recording 7\.0 s after/,
  );
});

test('a long-lived bot overlapping a later one is found past a short one in between', () => {
  const long = bot('long', { liveFrom: 1000, liveUntil: 10_000 });
  const short = bot('short', { liveFrom: 2000, liveUntil: 3000 });
  const late = bot('late', { liveFrom: 5000, liveUntil: 6000 });
  assert.equal(overlappingLiveBots([long, short, late]).length, 2);
});
