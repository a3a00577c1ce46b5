/**
 * Every scheduled fault must be shown to have struck, from the emulator's audit log (or, for
 * process faults, from the process itself): a fault that never hit proves nothing, so it fails the run.
 * The one exception is a counted create fault that nothing could meet (no create request came after
 * it was armed): it is reported as not exercised, apart from the faults that struck and the violations.
 */
import type { AuditLog, FaultHit } from '../../src/emulator';
import { droppedRecordingWebhooks } from './redelivery';
import type { ChaosFault } from './schedule';

export interface FaultCheck {
  fault: string;
  /** Undefined when it took effect or was not exercised, else why it did not strike: a violation. */
  problem: string | undefined;
  /**
   * Set when the fault could not strike because nothing ever met it (no create request reached Recall
   * after it was armed): not a product failure, and not proof either; reported apart from the rest.
   */
  notExercised?: string;
}

const botsOf = (audit: AuditLog, room: string) =>
  new Set(
    audit
      .bots()
      .filter((b) => b.metadata.workflowId === room)
      .map((b) => b.id),
  );

function hitOnRoom(hits: FaultHit[], audit: AuditLog, room: string, fault: (name: string) => boolean): boolean {
  const bots = botsOf(audit, room);
  return hits.some((h) => fault(h.fault) && h.botId !== undefined && bots.has(h.botId));
}

/** The emulator's create route; the client may send it with a trailing slash. */
const CREATE_PATH = /^\/api\/v1\/bot\/?$/;

/** The pool a counted create fault joins (`create 503`, `lost create`), if it is one. */
function createPool(fault: ChaosFault): string | undefined {
  if (fault.kind === 'create-errors') return `create ${fault.status}`;
  if (fault.kind === 'lose-create-response') return 'lost create';
  return undefined;
}

const poolHits = (hits: FaultHit[], pool: string) =>
  hits.filter((h) =>
    pool === 'lost create'
      ? h.fault === 'lost_create_response'
      : h.fault === 'create_failure' && `create ${h.detail}` === pool,
  ).length;

/**
 * Counted create faults, pooled by kind: the emulator takes each kind in the order it was armed, so
 * all of a pool struck exactly when its hits add up, and the ones still waiting are the last armed.
 * `armedAt` holds when each was armed (real epoch ms); one not in it was never armed.
 */
function createPools(faults: ChaosFault[], armedAt: ReadonlyMap<ChaosFault, number>): Map<string, number[]> {
  const pools = new Map<string, number[]>();
  for (const fault of faults) {
    const pool = createPool(fault);
    if (pool === undefined) continue;
    const times = pools.get(pool) ?? [];
    const count = fault.kind === 'create-errors' ? fault.count : 1;
    for (let i = 0; i < count; i++) times.push(armedAt.get(fault) ?? Number.POSITIVE_INFINITY);
    pools.set(pool, times);
  }
  for (const times of pools.values()) times.sort((a, b) => a - b);
  return pools;
}

/** How many armed create faults have not struck yet (the run waits on them before ending the meetings). */
export function unmetCreateFaults(
  faults: ChaosFault[],
  audit: AuditLog,
  armedAt: ReadonlyMap<ChaosFault, number>,
): number {
  const hits = audit.faultHits();
  let unmet = 0;
  for (const [pool, times] of createPools(faults, armedAt)) {
    const armed = times.filter((t) => Number.isFinite(t)).length;
    unmet += Math.max(0, armed - poolHits(hits, pool));
  }
  return unmet;
}

/**
 * Counted create faults: a pool short of hits fails the run, unless no create request reached Recall
 * after its first waiting fault was armed. Then nothing could have met it (the product had no bot to
 * create): the scenario was not exercised, which proves nothing either way and is reported apart.
 */
function confirmCreateFaults(
  faults: ChaosFault[],
  audit: AuditLog,
  armedAt: ReadonlyMap<ChaosFault, number>,
): FaultCheck[] {
  const hits = audit.faultHits();
  const creates = audit.requests().filter((r) => r.method === 'POST' && CREATE_PATH.test(r.path));
  const checks: FaultCheck[] = [];
  for (const [pool, times] of createPools(faults, armedAt)) {
    const hit = poolHits(hits, pool);
    const fault = `${pool} x${times.length}`;
    const firstWaiting = times[hit];
    if (firstWaiting === undefined) checks.push({ fault, problem: undefined });
    else if (!Number.isFinite(firstWaiting))
      checks.push({ fault, problem: `only ${hit} of ${times.length} struck; the rest were never armed` });
    else {
      const after = creates.filter((r) => r.at >= firstWaiting).length;
      if (after === 0)
        checks.push({
          fault,
          problem: undefined,
          notExercised: `${hit} of ${times.length} struck; no create request reached Recall after the rest were armed`,
        });
      else
        checks.push({
          fault,
          problem: `only ${hit} of ${times.length} struck, though ${after} create request(s) came after the rest were armed`,
        });
    }
  }
  return checks;
}

/**
 * Faults armed from the emulator's side (counted create failures, lost responses, bot-matched
 * faults), checked against `audit.faultHits()` and, for the counted ones, `audit.requests()`.
 */
export function confirmEmulatorFaults(
  faults: ChaosFault[],
  audit: AuditLog,
  webhookFaultRate: number,
  armedAt: ReadonlyMap<ChaosFault, number>,
): FaultCheck[] {
  const hits = audit.faultHits();
  const checks = confirmCreateFaults(faults, audit, armedAt);
  for (const fault of faults) {
    const check = (name: string, ok: boolean, why: string) =>
      checks.push({ fault: name, problem: ok ? undefined : why });
    switch (fault.kind) {
      case 'media':
        check(
          `media ${fault.fault.type} on ${fault.room}`,
          hitOnRoom(hits, audit, fault.room, (f) =>
            fault.fault.type === 'expire_after_retrieve' ? f === 'media_expired' : f === `media_${fault.fault.type}`,
          ),
          'no media GET of the room met it',
        );
        break;
      case 'late-processing':
        check(
          `late processing on ${fault.room}`,
          hitOnRoom(hits, audit, fault.room, (f) => f === 'late_processing'),
          'no bot of the room ended with media processing',
        );
        break;
      case 'late-in-call-webhooks':
        check(
          `late in-call webhooks on ${fault.room}`,
          hitOnRoom(hits, audit, fault.room, (f) => f === 'late_in_call_webhooks'),
          'no in-call webhook of the room was held back',
        );
        break;
      case 'redeliver-after-done': {
        // Armed on one of the rooms at most (the run picks it): a hit on any is that one's.
        const struck = fault.rooms.find((room) => hitOnRoom(hits, audit, room, (f) => f === 'redeliver_after_done'));
        check(
          `redelivery after done on ${struck ?? `one of ${fault.rooms.join(', ')}`}`,
          struck !== undefined,
          `no webhook of these rooms was redelivered (their bots' in_call_recording webhooks dropped: ${droppedRecordingWebhooks(audit, fault.rooms)})`,
        );
        break;
      }
      case 'fail-leave':
        check(
          `failed leave on ${fault.room}`,
          hitOnRoom(hits, audit, fault.room, (f) => f === 'leave_failure'),
          'no leave_call of the room was made to meet it',
        );
        break;
      default:
        break;
    }
  }
  if (webhookFaultRate > 0) {
    for (const kind of ['webhook_drop', 'webhook_duplicate', 'webhook_reorder'])
      checks.push({
        fault: kind.replace('_', ' '),
        problem: hits.some((h) => h.fault === kind) ? undefined : `no ${kind.replace('_', ' ')} was rolled`,
      });
  }
  return checks;
}
