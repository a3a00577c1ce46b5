/**
 * Every scheduled fault must be shown to have struck, from the emulator's audit log (or, for
 * process faults, from the process itself): a fault that never hit proves nothing, so it fails the run.
 */
import type { AuditLog, FaultHit } from '../../src/emulator';
import { droppedRecordingWebhooks } from './redelivery';
import type { ChaosFault } from './schedule';

export interface FaultCheck {
  fault: string;
  /** Undefined when it took effect, else why not. */
  problem: string | undefined;
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

/**
 * Faults armed from the emulator's side (counted create failures, lost responses, bot-matched
 * faults), checked against `audit.faultHits()`. Counted create faults are pooled by kind: the
 * emulator takes them in order, so all of them struck exactly when the hits add up.
 */
export function confirmEmulatorFaults(faults: ChaosFault[], audit: AuditLog, webhookFaultRate: number): FaultCheck[] {
  const hits = audit.faultHits();
  const checks: FaultCheck[] = [];
  const wanted = new Map<string, number>();
  for (const fault of faults) {
    if (fault.kind === 'create-errors')
      wanted.set(`create ${fault.status}`, (wanted.get(`create ${fault.status}`) ?? 0) + fault.count);
    if (fault.kind === 'lose-create-response') wanted.set('lost create', (wanted.get('lost create') ?? 0) + 1);
  }
  for (const [what, count] of wanted) {
    const hit = hits.filter((h) =>
      what === 'lost create'
        ? h.fault === 'lost_create_response'
        : h.fault === 'create_failure' && `create ${h.detail}` === what,
    ).length;
    checks.push({
      fault: `${what} x${count}`,
      problem: hit >= count ? undefined : `only ${hit} of ${count} struck (no creates left to meet them)`,
    });
  }
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
