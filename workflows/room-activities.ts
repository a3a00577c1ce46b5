/**
 * The activities a room calls, each with the timeouts and retries its call needs. Every call has one
 * retry loop: Temporal's. The room workflow runs in a non-cancellable scope (cancellation is a stop,
 * see room-workflow.ts), so none of these is abandoned half-way by a cancellation.
 */
import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RoomInput } from '../src/contracts';
import type { Room } from './room';

/** The queue whose workers pace bot creation to Recall's limit (see workers/create-workers.ts). */
export function createBotTaskQueue(taskQueue: string): string {
  return `${taskQueue}-create-bot`;
}

/** Listing a room's bots after an interrupted create. */
export const botCalls = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 8 },
});

/** A leave request: a few quick attempts, since the room asks again after its leave timeout anyway. */
export const leaveCalls = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3 },
});

/**
 * The recording notice: one short Recall call, so a local activity (one history event instead of
 * three and a workflow task); a few attempts, and a notice that cannot be posted never blocks the room.
 */
export const noticeCalls = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});

/** Reconciling a quiet bot: a failed poll is simply tried at the next quiet period. */
export const pollCalls = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3 },
});

/**
 * Creating a bot. Time queued behind the create rate limit is not counted against the room (no
 * schedule-to-close): a backlog of several large meetings only makes rooms wait. Attempts are bounded
 * instead, and the activity adopts a live bot of the room (found by its metadata) before it creates,
 * so a retry past the idempotency key's hour never makes a second bot.
 */
export function createCalls(taskQueue: string, release: Room['release']) {
  return proxyActivities<Activities>({
    taskQueue: createBotTaskQueue(taskQueue),
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 20 },
    // A create cancelled while Recall handles it still makes its bot. Waiting for that attempt's
    // answer (a queued or backing-off create is cancelled at once, and a cancelled create is never
    // retried) is the only way the room learns the bot: a listing right after may not see it yet.
    cancellationType:
      release === '0.3' ? ActivityCancellationType.WAIT_CANCELLATION_COMPLETED : ActivityCancellationType.TRY_CANCEL,
  });
}

/** Downloads: long, heartbeating, bounded by the room's media timeout; resumable per artifact. */
export function collectCalls(policy: RoomInput['policy']) {
  return proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '1 minute',
    scheduleToCloseTimeout: `${policy.mediaTimeoutSeconds} seconds`,
    retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
  });
}

/** Local store reads and writes: a local activity costs the history one marker instead of six events. */
export const storeCalls = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds', maximumAttempts: 3 },
});

/**
 * The same writes once the store has failed a few times (full disk, outage): retried until they land,
 * as a regular activity so each wait is a server-side timer, not a workflow task held open.
 */
export const durableStoreCalls = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});
