/**
 * One meeting that takes most code paths (normal room, a bot lost and replaced, a room added,
 * the meeting ended early, a real worker process), then: no secret in any workflow history or log line.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addRoomUpdate, endMeetingSignal, roomStatusQuery } from '../../src/contracts/messages';
import { historiesOf } from '../support/histories';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';
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

async function roomState(workflowId: string): Promise<string | undefined> {
  try {
    return (await stack.temporal.client.workflow.getHandle(workflowId).query(roomStatusQuery)).state;
  } catch {
    return undefined;
  }
}

test('no secret in any workflow history or log line, across a meeting that takes most paths', async () => {
  worker = await spawnWorker(stack);
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 3600,
    breakoutRooms: [1, 2, 3].map((n) => roomSpec(n)),
  });
  const handle = await stack.startMeeting(
    { meetingUrl: meeting.url, roomCount: 2, title: 'Paths', metadata: { cohort: 'spring' } },
    'paths',
  );
  await handle.executeUpdate(addRoomUpdate, { args: [{ key: 'room-3', name: 'Room 3', botName: 'BreakoutBot-3' }] });
  const victim = await waitFor('room-2 to record', async () =>
    (await roomState(`${handle.workflowId}/room/room-2`)) === 'recording'
      ? stack.emulator.audit.bots().find((b) => b.metadata.roomKey === 'room-2')
      : undefined,
  );
  stack.emulator.faults.crashBot(victim.id, 'bot_errored');
  await waitFor('room-2 to record again', async () => {
    const bots = stack.emulator.audit.bots().filter((b) => b.metadata.roomKey === 'room-2');
    return bots.length === 2 && (await roomState(`${handle.workflowId}/room/room-2`)) === 'recording';
  });
  await waitFor('room-3 to record', async () => (await roomState(`${handle.workflowId}/room/room-3`)) === 'recording');
  await handle.signal(endMeetingSignal, { reason: 'wrap-up' });
  const result = await handle.result();
  meeting.end();
  assert.deepEqual(
    result.rooms.map((r) => [r.key, r.outcome]),
    [
      ['room-1', 'recorded'],
      ['room-2', 'partial'],
      ['room-3', 'recorded'],
    ],
  );
  worker.child.kill('SIGTERM');
  await worker.exited;

  const histories = await historiesOf(stack.temporal.client, stack.taskQueue);
  assert.equal(histories.length, 4, 'the meeting and its three rooms');
  const secrets = {
    'API key': stack.apiKey,
    'webhook secret': stack.webhookSecret,
    'webhook secret key': stack.webhookSecret.slice('whsec_'.length),
  };
  const logs = [...stack.logLines, ...worker.output].join('\n');
  assert.ok(logs.length > 0 && histories.every((h) => h.text.length > 0));
  for (const [name, secret] of Object.entries(secrets)) {
    for (const h of histories)
      assert.equal(h.text.includes(secret), false, `${name} found in the history of ${h.workflowId}`);
    assert.equal(logs.includes(secret), false, `${name} found in a log line`);
  }
});
