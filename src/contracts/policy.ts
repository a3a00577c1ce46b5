import { z } from 'zod';

/** How hard a room tries, and when it gives up. All durations are seconds (plain JSON). */
export const PolicySchema = z.strictObject({
  /** Bots a room may create in all (the first one and its replacements). */
  maxBotsPerRoom: z.int().min(1).max(20).default(5),
  /** Backoff before a replacement bot: initial, doubled per attempt, capped. */
  backoffInitialSeconds: z.number().min(0).max(3600).default(5),
  backoffMaxSeconds: z.number().min(0).max(3600).default(60),
  /** Wait after a 507 (Recall's ad-hoc pool is empty) before asking again under a new key; Recall says 30 s. */
  poolExhaustedRetrySeconds: z.number().min(0).max(600).default(30),
  /** Give a room up when Recall had no bot for it this long (507 after 507). */
  poolExhaustedGiveUpSeconds: z.number().min(0).max(86400).default(1800),
  /** Recall's automatic_leave.waiting_room_timeout for each bot. */
  waitingRoomTimeoutSeconds: z.int().min(10).max(3600).default(600),
  /** Recall's automatic_leave.noone_joined_timeout. */
  nooneJoinedTimeoutSeconds: z.int().min(10).max(3600).default(1200),
  /** Leave as soon as the bot is back in the main room after its breakout room closed. */
  leaveWhenRoomCloses: z.boolean().default(true),
  /** Replace a bot the host did not let record (Zoom recording permission); by default the room fails saying so. */
  retryOnRecordingDenied: z.boolean().default(false),
  /** Retrieve the bot when no event arrived for this long while it joins / while it is in the call or, left, awaits done. */
  pollJoiningSeconds: z.number().min(1).max(3600).default(30),
  pollInCallSeconds: z.number().min(1).max(3600).default(300),
  /** How long a stopping room waits for its bot to reach done before it asks it to leave again (it never stops asking). */
  leaveTimeoutSeconds: z.number().min(1).max(3600).default(120),
  /**
   * A room continues as new (same workflow ID, its state carried) once its history has this many events,
   * or sooner when Temporal suggests it: a long workshop or a webhook storm never reaches Temporal's limits.
   * Kept well under Temporal's own suggestion (about 4,000): a hand-over that new signals overtake makes
   * the worker replay the run, and a short history replays fast enough to catch up with a storm.
   */
  continueAsNewAfterEvents: z.int().min(200).max(40000).default(2000),
  /** How long to wait for recordings and transcripts to finish processing after the bot is done. */
  mediaTimeoutSeconds: z.number().min(1).max(86400).default(1800),
});
export type Policy = z.infer<typeof PolicySchema>;
