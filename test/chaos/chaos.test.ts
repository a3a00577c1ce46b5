/**
 * The CI-sized chaos run: two meetings of three rooms through real processes (its own Temporal dev
 * server on a SQLite file, a worker process, the receiver process) while a seeded schedule kills
 * the worker twice, restarts Temporal and the receiver, and breaks webhooks, creates and a bot.
 * Asserts the invariants only; `npm run chaos` is the full run with its figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chaosTable } from '../../bench/chaos/report';
import { runChaos } from '../../bench/chaos/scenario';

test('under seeded chaos, every invariant holds: no room lost, one live bot per room, no orphans, nothing recorded lost, no secret leaked', async (t) => {
  const outcome = await runChaos({
    seed: 42,
    meetings: 2,
    roomsPerMeeting: 3,
    meetingSeconds: 60,
    timeScale: 20,
    workers: 1,
    workerKills: 2,
    botCrashes: 1,
    webhookFaultRate: 0.1,
  });
  t.diagnostic(chaosTable(outcome));
  assert.deepEqual(outcome.report.violations, []);
  assert.equal(outcome.report.roomsLost, 0);
  assert.equal(outcome.report.roomsPlanned, 6);
  assert.ok(outcome.report.recordingsExpected > 0, 'the bots recorded something to check');
});
