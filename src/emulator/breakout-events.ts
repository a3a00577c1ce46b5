/**
 * The shape of the `bot.breakout_room_*` webhooks. Recall's own reference does not show it; this is
 * the shape third-party handlers read (reference §7: the standard bot envelope, with the room in
 * `data.data.breakout_room.{id,name}`). Kept here, alone, so it is one edit when the real shape is known.
 */
export type BreakoutEvent =
  'bot.breakout_room_opened' | 'bot.breakout_room_closed' | 'bot.breakout_room_entered' | 'bot.breakout_room_left';

export function breakoutEventData(
  event: BreakoutEvent,
  room: { id: string; name: string },
  updatedAt: string,
): Record<string, unknown> {
  return {
    code: event.slice('bot.'.length),
    sub_code: null,
    updated_at: updatedAt,
    breakout_room: { id: room.id, name: room.name },
  };
}
