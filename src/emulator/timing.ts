/**
 * How long the emulated Zoom and Recall take for each step, in emulated seconds. Recall documents
 * none of these precisely ("within seconds the bot is in the waiting room or in the call"), so they
 * are guesses kept in one place.
 */
export const Timing = {
  /** joining_call → in_waiting_room / in_call_not_recording. */
  joinSeconds: 2,
  /** A bot goes to its `join_specific_room` or pre-assigned room this long after it is in the call. */
  selfMoveSeconds: 1,
  /** in_call_not_recording → in_call_recording once someone is present. */
  recordingStartSeconds: 1,
  /** The host moves a bot into its breakout room this long after it is in the call and rooms are open. */
  hostMoveSeconds: 3,
  /** call_ended → done. */
  leaveSeconds: 1,
  /** Recording end → recording.done and the media `*.done` events. */
  mediaSeconds: 1,
  /** transcript.processing → transcript.done. */
  transcriptSeconds: 3,
  /** Each participant speaks one line every this many seconds... */
  speechPeriodSeconds: 4,
  /** ...one word every this many seconds. */
  wordSeconds: 0.3,
  /** An ad-hoc bot taken from the warm pool is replaced this long after. */
  adHocRefillSeconds: 30,
  /** join_at further ahead than this makes a scheduled bot (reserved instance, never 507). */
  scheduledLeadSeconds: 600,
} as const;

/** Svix retry schedule after the first attempt (emulated seconds): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const WEBHOOK_RETRY_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;
