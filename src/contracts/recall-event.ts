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

/**
 * Bot events that change nothing for a room: logs, rooms opening that the bot is not in, and
 * `joining_call`. A room treats a bot it created as joining from the start; the webhook, which Recall
 * sends seconds after the create, would cost every room a signal and a workflow task (4 of its
 * 45-55 events) to learn it. A scheduled bot's room reads "scheduled" until the bot's next status
 * (waiting room, in call, fatal) or, if none comes, until its poll 30 s after the join time.
 */
const IGNORED_BOT_EVENTS = new Set(['bot.breakout_room_opened', 'bot.joining_call', 'bot.log', 'bot.output_log']);

/**
 * The events a room workflow acts on: bot statuses and breakout moves. The receiver acknowledges the
 * others without a signal, since every signal costs the room's history a few events; media readiness
 * is read from the bot itself when the room collects. Unknown `bot.*` events pass (an open set).
 */
export function roomWantsEvent(event: string): boolean {
  return event.startsWith('bot.') && !IGNORED_BOT_EVENTS.has(event);
}
