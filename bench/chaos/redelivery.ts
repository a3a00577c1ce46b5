/**
 * Where the redelivery-after-done fault can strike. The emulator redelivers a bot's first
 * `in_call_recording` message, and a message the webhook drop fault ate was never queued, so a bot
 * whose only `in_call_recording` was dropped has nothing to redeliver (about one bot in ten at a 10 %
 * drop rate). The fault is armed on a room only once one of its live bots holds a delivered one.
 */
import type { AuditBot, AuditLog, FaultHit } from '../../src/emulator';

export type RedeliveryTarget = { room: string; botId: string } | 'wait' | 'none';

const TERMINAL = new Set(['done', 'fatal']);
const recorded = (bot: AuditBot) => bot.statuses.some((s) => s.code === 'in_call_recording');
const live = (bot: AuditBot) => !TERMINAL.has(bot.statuses.at(-1)?.code ?? '');
const recordingDropped = (h: FaultHit) =>
  h.fault === 'webhook_drop' && h.botId !== undefined && (h.detail?.startsWith('bot.in_call_recording ') ?? false);

/**
 * The first of `rooms` (the seed's order) with a live bot whose `in_call_recording` webhook was sent
 * and not dropped; `wait` while the first room still in play has a bot that may yet get there (so the
 * choice depends on the seed and the drops, not on which room recorded first); `none` when no room can.
 */
export function redeliveryTarget(audit: AuditLog, rooms: string[]): RedeliveryTarget {
  const dropped = new Set(
    audit
      .faultHits()
      .filter(recordingDropped)
      .map((h) => h.botId),
  );
  for (const room of rooms) {
    const bots = audit.bots().filter((b) => b.metadata.workflowId === room);
    const holder = bots.find((b) => live(b) && recorded(b) && !dropped.has(b.id));
    if (holder) return { room, botId: holder.id };
    if (bots.length === 0 || bots.some((b) => live(b) && !recorded(b))) return 'wait';
  }
  return 'none';
}

/** How many of the rooms' bots had their `in_call_recording` webhook dropped: why a redelivery found nothing. */
export function droppedRecordingWebhooks(audit: AuditLog, rooms: string[]): number {
  const bots = new Set(
    audit
      .bots()
      .filter((b) => rooms.includes(b.metadata.workflowId ?? ''))
      .map((b) => b.id),
  );
  return audit.faultHits().filter((h) => recordingDropped(h) && bots.has(h.botId!)).length;
}
