import type { BreakoutEventsMode } from './types';

/**
 * The shape of the `bot.breakout_room_*` webhooks. They are not in Recall's official event list; the
 * room's place is known only from third-party code, which disagrees (reference §0): `data.data.breakout_room`
 * (`standard`) or `data.breakout_room` (`alternate`). Kept here, alone, so it is one edit when the real
 * shape is known.
 */
export type BreakoutEvent =
  'bot.breakout_room_opened' | 'bot.breakout_room_closed' | 'bot.breakout_room_entered' | 'bot.breakout_room_left';

/** The webhook's `data`, or undefined when the mode sends no breakout events. */
export function breakoutEventPayload(
  mode: BreakoutEventsMode,
  event: BreakoutEvent,
  room: { id: string; name: string },
  updatedAt: string,
  bot: { id: string; metadata: Record<string, string> },
): Record<string, unknown> | undefined {
  const status = { code: event.slice('bot.'.length), sub_code: null, updated_at: updatedAt };
  const breakoutRoom = { id: room.id, name: room.name };
  switch (mode) {
    case 'none':
      return undefined;
    case 'alternate':
      return { data: status, bot, breakout_room: breakoutRoom };
    case 'standard':
      return { data: { ...status, breakout_room: breakoutRoom }, bot };
  }
}
