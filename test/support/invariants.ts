import type { AuditBot } from '../../src/emulator';

/** Invariant 2: at most one live bot per room at any instant, as the emulator (the vendor) saw it. */
export function overlappingLiveBots(bots: AuditBot[]): string[] {
  const byRoom = new Map<string, AuditBot[]>();
  for (const bot of bots) {
    const room = bot.metadata.workflowId ?? '(unknown)';
    byRoom.set(room, [...(byRoom.get(room) ?? []), bot]);
  }
  const overlaps: string[] = [];
  for (const [room, roomBots] of byRoom) {
    const live = roomBots
      .filter((b) => b.liveFrom !== undefined)
      .map((b) => ({ id: b.id, from: b.liveFrom!, until: b.liveUntil ?? Number.POSITIVE_INFINITY }))
      .sort((a, b) => a.from - b.from);
    for (let i = 1; i < live.length; i++) {
      const previous = live[i - 1]!;
      const next = live[i]!;
      if (next.from < previous.until) overlaps.push(`${room}: ${previous.id} still live when ${next.id} went live`);
    }
  }
  return overlaps;
}

/** Invariant 3: every bot created reached done or fatal. */
export function orphanBots(bots: AuditBot[]): string[] {
  return bots.filter((b) => !['done', 'fatal'].includes(b.statuses.at(-1)?.code ?? '')).map((b) => b.id);
}
