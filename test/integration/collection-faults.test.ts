import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import type { Artifact, RoomResult } from '../../src/contracts';
import { RECOVERABLE, unstoredRecordings, type RoomReport } from '../support/invariants';
import { readArtifact, roomSpec, startStack, type Stack } from '../support/stack';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

let stack: Stack;
let worker: WorkerProcess | undefined;
before(async () => {
  stack = await startStack({ inProcessWorkers: false });
});
after(async () => {
  worker?.child.kill('SIGKILL');
  await stack?.close();
});

const digest = (data: Buffer) => ({ bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });

/** Meeting metadata is stored from the bot's inline data, re-indented; its vendor form is the compact JSON. */
async function digestOf(artifact: Artifact) {
  const data = await readArtifact(artifact.uri).catch(() => undefined);
  if (!data) return undefined;
  if (artifact.kind !== 'meeting_metadata') return { raw: digest(data), vendorForm: digest(data) };
  const { download_url: _url, ...fields } = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
  return { raw: digest(data), vendorForm: digest(Buffer.from(JSON.stringify(fields))) };
}

test('one room’s media storage answers 503 once per file: the worker lives, every room’s recordings are stored with the sha256 reported', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 300,
    breakoutRooms: [1, 2, 3].map((n) => roomSpec(n)),
  });
  worker = await spawnWorker(stack);
  let exitedOnItsOwn: unknown;
  void worker.exited.then((how) => (exitedOnItsOwn ??= how));
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 3 }, 'collection-faults');
  const faultyRoom = `${handle.workflowId}/room/room-2`;
  stack.emulator.faults.mediaFault({ metadata: { workflowId: faultyRoom }, count: 1 }, { type: 'status', status: 503 });

  const result = await handle.result();
  assert.equal(exitedOnItsOwn, undefined, `the worker exited on its own: ${worker.output.join('')}`);
  assert.equal(worker.child.exitCode, null);

  // The fault struck: every media file of room-2's bot answered 503 once.
  const faultyBots = new Set(
    stack.emulator.audit
      .bots()
      .filter((b) => b.metadata.workflowId === faultyRoom)
      .map((b) => b.id),
  );
  const struck = stack.emulator.audit.faultHits().filter((h) => h.botId !== undefined && faultyBots.has(h.botId));
  for (const file of ['video', 'transcript', 'participants', 'participant_events', 'speaker_timeline'] as const) {
    assert.ok(
      struck.some((h) => h.file === file),
      `no 503 struck ${file}: ${JSON.stringify(struck)}`,
    );
  }

  assert.deepEqual(
    result.rooms.map((r) => [r.key, r.outcome, r.missing]),
    [
      ['room-1', 'recorded', []],
      ['room-2', 'recorded', []],
      ['room-3', 'recorded', []],
    ],
  );
  const store = new LocalArtifactStore(stack.artifactsDir);
  const reports: RoomReport[] = [];
  for (const room of result.rooms) {
    const manifest = (await store.getJson({
      meetingWorkflowId: handle.workflowId,
      roomKey: room.key,
      name: 'room.json',
    })) as RoomResult | undefined;
    reports.push({
      workflowId: room.workflowId,
      run: 'run 1',
      startedAt: 0,
      result: room,
      manifest,
      allowed: RECOVERABLE,
    });
  }
  const check = await unstoredRecordings(stack.emulator.audit.bots(), reports, digestOf);
  assert.deepEqual(check.missing, []);
  assert.deepEqual(check.mismatches, []);
  assert.ok(check.expected >= 3 * 6, `only ${check.expected} vendor artifacts`);
  assert.equal(check.stored, check.expected);

  worker.child.kill('SIGTERM');
  assert.equal(await worker.exited, 0, worker.output.join(''));
});
