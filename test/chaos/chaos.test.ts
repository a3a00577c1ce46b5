/**
 * The CI-sized chaos run: two recoverable meetings of three rooms and a meeting cancelled while its
 * bots are being created, through real processes (their own Temporal dev server on a SQLite file, a
 * worker process, the receiver process), while a seeded schedule SIGKILLs the worker twice and the
 * Temporal server once, restarts Temporal gracefully and the receiver, and breaks webhooks, creates,
 * media downloads, leaves and a bot. `npm run chaos` is the full run, over many seeds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chaosTable } from '../../bench/chaos/report';
import { runChaos } from '../../bench/chaos/scenario';

test('under seeded chaos with only recoverable faults, every room of the recoverable meetings ends recorded or partial, no process exits on its own, every fault struck, and every invariant holds', async (t) => {
  const outcome = await runChaos({
    seed: 42,
    meetings: 2,
    roomsPerMeeting: 3,
    meetingSeconds: 40,
    timeScale: 20,
    workers: 1,
    workerKills: 2,
    botCrashes: 1,
    temporalKills: 1,
    webhookFaultRate: 0.1,
    mediaFaults: true,
    longStalls: false,
    disruptions: ['cancel-meeting-mid-start'],
  });
  t.diagnostic(chaosTable(outcome));
  assert.deepEqual(outcome.violations, []);
  assert.deepEqual(outcome.selfExits, [], 'no worker, receiver or Temporal server exited on its own');
  const recoverable = outcome.rooms.filter((r) => r.recoverable);
  for (const room of recoverable)
    assert.ok(['recorded', 'partial'].includes(room.outcome), `${room.workflowId} ended ${room.outcome}`);
  assert.ok(
    outcome.faultChecks.some((c) => c.fault.startsWith('media') && c.problem === undefined),
    'a media fault struck',
  );
  assert.ok(outcome.report.recordingsExpected > 0, 'the bots recorded something to check');
});
