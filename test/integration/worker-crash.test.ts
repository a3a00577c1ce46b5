import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { roomStatusQuery } from '../../src/contracts/messages';
import { orphanBots, overlappingLiveBots } from '../support/invariants';
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

test('the worker process killed with SIGKILL mid-meeting and restarted: every room completes, one live bot per room', async () => {
  const meeting = stack.emulator.createMeeting({
    durationSeconds: 900,
    breakoutRooms: [1, 2, 3].map((n) => roomSpec(n)),
  });
  worker = await spawnWorker(stack);
  const handle = await stack.startMeeting({ meetingUrl: meeting.url, roomCount: 3 }, 'worker-crash');
  for (const n of [1, 2, 3]) {
    await waitFor(`room-${n} to record`, async () => {
      try {
        const status = await stack.temporal.client.workflow
          .getHandle(`${handle.workflowId}/room/room-${n}`)
          .query(roomStatusQuery);
        return status.state === 'recording';
      } catch {
        return false;
      }
    });
  }
  worker.child.kill('SIGKILL');
  assert.equal(await worker.exited, 'SIGKILL');
  // While no worker runs, one bot dies: its webhooks wait in Temporal as signals.
  const victim = stack.emulator.audit.bots().find((b) => b.metadata.roomKey === 'room-2');
  assert.ok(victim);
  stack.emulator.faults.crashBot(victim.id, 'bot_errored');

  worker = await spawnWorker(stack);
  const result = await handle.result();
  assert.deepEqual(
    result.rooms.map((r) => [r.key, r.outcome]),
    [
      ['room-1', 'recorded'],
      ['room-2', 'partial'],
      ['room-3', 'recorded'],
    ],
  );
  const bots = stack.emulator.audit.bots();
  assert.deepEqual(overlappingLiveBots(bots), []);
  assert.deepEqual(orphanBots(bots), []);
  assert.equal(bots.filter((b) => b.metadata.roomKey === 'room-2').length, 2);
  worker.child.kill('SIGTERM');
  assert.equal(await worker.exited, 0, worker.output.join(''));
});
