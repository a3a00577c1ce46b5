/**
 * The confirmation of counted create faults (chaos seed 3 at ef72616): a lost-response fault armed
 * for a crash's replacement that no create met fails the run when creates came after it was armed,
 * and is reported as not exercised (not a violation) only when none did.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confirmEmulatorFaults, unmetCreateFaults } from '../../bench/chaos/confirm';
import type { ChaosFault } from '../../bench/chaos/schedule';
import type { AuditLog, FaultHit, RequestRecord } from '../../src/emulator';

function audit(hits: FaultHit[], requests: RequestRecord[]): AuditLog {
  return {
    bots: () => [],
    bot: () => undefined,
    webhookDeliveries: () => [],
    requests: () => requests,
    faultHits: () => hits,
    chatMessages: () => [],
  };
}

const create = (at: number, status: number): RequestRecord => ({ method: 'POST', path: '/api/v1/bot/', status, at });

// At the start: a 500 and a lost response; at 5000, with the crash: a 503 and a lost response.
const atStart500: ChaosFault = { kind: 'create-errors', status: 500, count: 1 };
const atStartLost: ChaosFault = { kind: 'lose-create-response' };
const crash503: ChaosFault = { kind: 'create-errors', status: 503, count: 1 };
const crashLost: ChaosFault = { kind: 'lose-create-response' };
const faults = [atStart500, atStartLost, crash503, crashLost];
const armedAt = new Map<ChaosFault, number>([
  [atStart500, 0],
  [atStartLost, 0],
  [crash503, 5000],
  [crashLost, 5000],
]);
const startHits: FaultHit[] = [
  { fault: 'create_failure', detail: '500', at: 100 },
  { fault: 'lost_create_response', botId: 'b1', at: 200 },
];
const startCreates = [create(100, 500), create(200, 0), create(300, 201)];

const check = (checks: ReturnType<typeof confirmEmulatorFaults>, fault: string) => {
  const found = checks.find((c) => c.fault === fault);
  assert.ok(found, `a check for ${fault}`);
  return found;
};

test("a lost response the replacement's create never met fails the run when a create came after it was armed", () => {
  // Seed 3: the replacement's first create met the 503; its retry was cancelled by endMeeting.
  const log = audit(
    [...startHits, { fault: 'create_failure', detail: '503', at: 6000 }],
    [...startCreates, create(6000, 503)],
  );
  const checks = confirmEmulatorFaults(faults, log, 0, armedAt);
  assert.equal(check(checks, 'create 503 x1').problem, undefined);
  const lost = check(checks, 'lost create x2');
  assert.match(lost.problem ?? '', /only 1 of 2 struck, though 1 create request\(s\) came after the rest were armed/);
  assert.equal(lost.notExercised, undefined);
  assert.equal(unmetCreateFaults(faults, log, armedAt), 1);
});

test('create faults no create request could meet are not exercised, not violations', () => {
  const log = audit(startHits, startCreates);
  const checks = confirmEmulatorFaults(faults, log, 0, armedAt);
  for (const fault of ['create 503 x1', 'lost create x2']) {
    const c = check(checks, fault);
    assert.equal(c.problem, undefined, fault);
    assert.match(c.notExercised ?? '', /no create request reached Recall after the rest were armed/, fault);
  }
  assert.equal(check(checks, 'create 500 x1').notExercised, undefined);
  assert.equal(unmetCreateFaults(faults, log, armedAt), 2);
});

test('create faults that all struck pass, and one never armed fails', () => {
  const log = audit(
    [
      ...startHits,
      { fault: 'create_failure', detail: '503', at: 6000 },
      { fault: 'lost_create_response', botId: 'b2', at: 8000 },
    ],
    [...startCreates, create(6000, 503), create(8000, 0)],
  );
  const checks = confirmEmulatorFaults(faults, log, 0, armedAt);
  assert.ok(checks.every((c) => c.problem === undefined && c.notExercised === undefined));
  assert.equal(unmetCreateFaults(faults, log, armedAt), 0);

  const unarmed = new Map(armedAt);
  unarmed.delete(crashLost);
  const withoutLast = audit(startHits, [...startCreates, create(6000, 503)]);
  assert.match(
    check(confirmEmulatorFaults(faults, withoutLast, 0, unarmed), 'lost create x2').problem ?? '',
    /never armed/,
  );
});
