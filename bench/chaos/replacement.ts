/**
 * The create faults a crash arms (a 5xx and a lost response) are for its bot's replacement, whose
 * create may still be in a retry backoff after the 5xx, or not yet decided after process kills, when
 * the meetings are due to end: endMeeting would cancel it, and the faults would meet no create (chaos
 * seed 3 at ef72616). So the run waits before ending the meetings, within a bound, while faults wait
 * and a crashed room still awaits its replacement.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { AuditLog } from '../../src/emulator';

export interface ReplacementWait {
  audit: AuditLog;
  /** Each crashed bot's room, and when it crashed (real epoch ms). */
  crashedRooms: ReadonlyMap<string, number>;
  /** Whether the room's workflow still runs (true when that is not known). */
  isOpen: (room: string) => Promise<boolean>;
  /** How many armed create faults have not struck. */
  unmet: () => number;
  boundMs: number;
  pollMs: number;
}

export type ReplacementWaitEnd =
  | { end: 'nothing-unmet' }
  | { end: 'no-room-awaits'; unmet: number }
  | { end: 'met'; ms: number }
  | { end: 'room-stopped'; unmet: number; ms: number }
  | { end: 'bound'; unmet: number; room: string };

/** A crashed room whose run is still open and has had no bot created since the crash: its replacement is coming. */
export async function roomAwaitingReplacement(
  audit: AuditLog,
  crashedRooms: ReadonlyMap<string, number>,
  isOpen: (room: string) => Promise<boolean>,
): Promise<string | undefined> {
  for (const [room, crashedAt] of crashedRooms) {
    const replaced = audit.bots().some((b) => b.metadata.workflowId === room && b.createdAt > crashedAt);
    if (!replaced && (await isOpen(room))) return room;
  }
  return undefined;
}

export async function awaitReplacementCreates(o: ReplacementWait): Promise<ReplacementWaitEnd> {
  if (o.unmet() === 0) return { end: 'nothing-unmet' };
  const from = Date.now();
  let room = await roomAwaitingReplacement(o.audit, o.crashedRooms, o.isOpen);
  if (room === undefined) return { end: 'no-room-awaits', unmet: o.unmet() };
  for (;;) {
    if (o.unmet() === 0) return { end: 'met', ms: Date.now() - from };
    if (Date.now() - from >= o.boundMs) return { end: 'bound', unmet: o.unmet(), room };
    await delay(o.pollMs);
    const next = await roomAwaitingReplacement(o.audit, o.crashedRooms, o.isOpen);
    // The replacement's create came as the room stopped waiting: the faults may have struck just now.
    if (next === undefined)
      return o.unmet() === 0
        ? { end: 'met', ms: Date.now() - from }
        : { end: 'room-stopped', unmet: o.unmet(), ms: Date.now() - from };
    room = next;
  }
}

export function describeReplacementWait(result: ReplacementWaitEnd, unmetAtStart: number): string | undefined {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  switch (result.end) {
    case 'nothing-unmet':
      return undefined;
    case 'no-room-awaits':
      return `${result.unmet} armed create fault(s) not met, and no crashed room awaits its replacement: no wait`;
    case 'met':
      return `${unmetAtStart} armed create fault(s) waited for a crashed room's replacement: all met after ${s(result.ms)}`;
    case 'room-stopped':
      return `${result.unmet} armed create fault(s) still not met after ${s(result.ms)}: no crashed room awaits its replacement any more`;
    case 'bound':
      return `${result.unmet} armed create fault(s) still not met at the wait's bound (${result.room} still without its replacement)`;
  }
}
