/**
 * What the `recallEvent` signal carries: one bot event, delivered by the webhook receiver or
 * reconstructed by polling. Compact on purpose: it is stored in workflow history once per event.
 */
export interface RecallEvent {
  /** Webhook message id, or `poll:<botId>:<code>:<at>` for events rebuilt from `status_changes`. */
  eventId: string;
  /** Recall event name, e.g. `bot.in_call_recording`, `recording.done`, `transcript.done`. */
  event: string;
  botId: string;
  /** Status code of the event (`in_call_recording`, `done`, ...); an open set. */
  code?: string;
  subCode?: string | null;
  /** ISO time the status changed, as Recall reports it. */
  at?: string;
  recordingId?: string;
  breakoutRoom?: { id: string | null; name: string | null };
  source: 'webhook' | 'poll';
}

/** Bot events that change nothing for a room: logs, and rooms opening that the bot is not in. */
const IGNORED_BOT_EVENTS = new Set(['bot.breakout_room_opened', 'bot.log', 'bot.output_log']);

/**
 * The events a room workflow acts on: bot statuses and breakout moves. The receiver acknowledges the
 * others without a signal, since every signal costs the room's history a few events; media readiness
 * is read from the bot itself when the room collects. Unknown `bot.*` events pass (an open set).
 */
export function roomWantsEvent(event: string): boolean {
  return event.startsWith('bot.') && !IGNORED_BOT_EVENTS.has(event);
}
