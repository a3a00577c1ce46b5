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
