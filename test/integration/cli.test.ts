import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { MeetingSummary, MeetingView, MeetingWorkflow, StartedMeeting } from '../../src/client';
import { FAST_POLICY } from '../../src/devstack/fast-policy';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

const BIN = join(__dirname, '..', '..', 'bin', 'breakout.js');

let stack: Stack;
let dir: string;
before(async () => {
  stack = await startStack();
  dir = await mkdtemp(join(tmpdir(), 'breakout-cli-'));
});
after(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI as a child process; asynchronous, so this process's workers keep working meanwhile. */
function breakout(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: stack.temporal.address,
          TEMPORAL_NAMESPACE: stack.temporal.namespace,
          TEMPORAL_TASK_QUEUE: stack.taskQueue,
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function json<T>(args: string[]): Promise<T> {
  const run = await breakout([...args, '--json']);
  assert.equal(run.code, 0, `breakout ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

const uniqueKey = (name: string) => `${name}-${randomBytes(3).toString('hex')}`;

test('start (flags, then the same key from a file), status, add-room, end, list', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 3600, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const key = uniqueKey('cli');
  const started = await json<StartedMeeting>(['start', '--key', key, '--url', meeting.url, '--room', 'one=Room 1']);
  assert.equal(started.created, true);
  assert.equal(started.workflowId, `meeting/${key}`);

  // FAST_POLICY only fits in a file; a second start with the same key changes nothing.
  const file = join(dir, 'input.json');
  await writeFile(
    file,
    JSON.stringify({ meetingKey: key, meetingUrl: meeting.url, roomCount: 1, policy: FAST_POLICY }),
  );
  const again = await json<StartedMeeting>(['start', '--file', file]);
  assert.deepEqual(again, { ...started, created: false });

  const added = await json<{ workflowId: string }>(['add-room', key, 'two', '--name', 'Room 2']);
  assert.equal(added.workflowId, `meeting/${key}/room/two`);
  const duplicate = await breakout(['add-room', key, 'two', '--json']);
  assert.equal(duplicate.code, 2);
  assert.equal((JSON.parse(duplicate.stderr) as { error: string }).error, 'DuplicateRoom');

  const recording = await waitFor('both rooms to record', async () => {
    const view = await json<MeetingView>(['status', key]);
    return view.rooms.length === 2 && view.rooms.every((r) => r.status?.state === 'recording') && view;
  });
  assert.deepEqual(
    recording.rooms.map((r) => [r.key, r.status?.attempt, r.status?.breakoutRoom?.name]),
    [
      ['one', 1, 'Room 1'],
      ['two', 1, 'Room 2'],
    ],
  );
  const table = await breakout(['status', key]);
  assert.equal(table.code, 0);
  assert.match(table.stdout, /ROOM\s+STATE\s+BOT\s+ATTEMPT\s+RECORDING SINCE\s+BREAKOUT ROOM\s+REASON/);
  assert.match(table.stdout, /Room 2 \(two\)\s+recording\s+\S+\s+1\/5/);

  const listed = await waitFor('the meeting in visibility', async () => {
    const meetings = await json<MeetingSummary[]>(['list', '--key', key, '--state', 'running']);
    return meetings.length === 1 && meetings[0];
  });
  assert.equal(listed.workflowId, `meeting/${key}`);

  await json(['end', key, '--reason', 'cli says stop']);
  const result = await stack.temporal.client.workflow.getHandle<MeetingWorkflow>(`meeting/${key}`).result();
  assert.deepEqual(
    result.rooms.map((r) => r.outcome),
    ['recorded', 'recorded'],
  );
  const watched = await breakout(['status', key, '--watch', '--json']);
  assert.equal(watched.code, 0, 'watch returns once the meeting has closed');
  assert.equal((JSON.parse(watched.stdout.trim().split('\n').at(-1)!) as MeetingView).state, 'done');
  await waitFor('the meeting listed as completed', async () => {
    const meetings = await json<MeetingSummary[]>(['list', '--key', key, '--state', 'completed']);
    return meetings.length === 1 && meetings[0]?.roomsRecorded === 2;
  });
  meeting.end();
});

test('bad input exits 2 and names the field; nothing is started', async () => {
  const key = uniqueKey('bad');
  const cases: [string[], string][] = [
    [['start', '--key', key, '--url', 'https://meet.google.com/abc-defg-hij', '--rooms', '2'], 'meetingUrl'],
    [['start', '--key', key, '--url', 'https://zoom.us/j/123'], 'rooms'],
    [['start', '--url', 'https://zoom.us/j/123', '--rooms', '2'], '--key'],
    [['start', '--key', key, '--file', join(dir, 'missing.json')], '--file'],
    [['add-room', key, '../etc'], 'key'],
  ];
  for (const [args, field] of cases) {
    const run = await breakout([...args, '--json']);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal((JSON.parse(run.stderr) as { field: string }).field, field);
  }
  const usage = await breakout(['start', '--rooms', 'many']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--rooms must be a whole number/);
  assert.equal((await breakout(['status', key])).code, 3, 'the meeting was never started');
});

test('an unknown meeting exits 3; an unreachable Temporal exits 4 and says what to do', async () => {
  const unknown = await breakout(['status', uniqueKey('nobody')]);
  assert.equal(unknown.code, 3);
  assert.match(unknown.stderr, /no meeting "nobody-\w+": check the key with `breakout list`/);
  assert.equal((await breakout(['end', uniqueKey('nobody')])).code, 3);
  assert.equal((await breakout(['schedule', 'describe', uniqueKey('nothing')])).code, 3);

  const down = await breakout(['list'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
  assert.equal(down.code, 4);
  assert.match(down.stderr, /Temporal is not reachable at 127\.0\.0\.1:1: start it .* or set TEMPORAL_ADDRESS/);
});
