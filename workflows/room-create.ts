/**
 * Getting the room its next bot: wait for joinAt, adopt a live bot of the room or create one, wait
 * out Recall's empty ad-hoc pool (507) under fresh idempotency keys. A stop during creation never
 * throws a bot away: whatever bot a create returned is tracked, so it is left and collected.
 */
import { CancellationScope, condition, isCancellation, log, workflowInfo } from '@temporalio/workflow';
import { newTrackedBot, type TrackedBot } from './bot-tracker';
import { CREATE_FAILURE } from './classify';
import { failureMessage, failureType } from './failures';
import type { Room } from './room';
import { botCalls, createCalls } from './room-activities';

/** A bot whose join_at is further ahead than this is a scheduled bot: reserved, never a 507. */
const SCHEDULED_LEAD_MS = 11 * 60 * 1000;

/**
 * The key of one create: the room, its first run (a reset or a continue-as-new keeps it, so their
 * creates replay the same bot within Recall's hour; a new run of the same meeting ID gets new bots),
 * and the create's sequence number.
 */
function idempotencyKey(room: Room): string {
  return `${room.workflowId}#${workflowInfo().firstExecutionRunId}#${room.memory.createSequence}`;
}

/** Waits until joinAt for an ad-hoc bot; false when the room was stopped meanwhile. */
async function waitForJoinTime(room: Room, schedule: boolean): Promise<boolean> {
  const joinAtMs = room.input.joinAt ? Date.parse(room.input.joinAt) : undefined;
  if (!schedule && joinAtMs !== undefined && joinAtMs > Date.now()) {
    await condition(() => room.stopping, joinAtMs - Date.now());
  }
  return !room.stopping;
}

/**
 * The create call, cancelled once the room stops: at once while it waits in the queue or between
 * attempts; an attempt already talking to Recall finishes (the activity does not heartbeat, and
 * createCalls waits for it), and its bot is kept.
 */
async function requestBot(room: Room, schedule: boolean, attempt: number) {
  const { input } = room;
  const scope = new CancellationScope();
  void condition(() => room.stopping).then(() => scope.cancel());
  return scope.run(() =>
    createCalls(workflowInfo().taskQueue, room.release).createBot({
      idempotencyKey: idempotencyKey(room),
      workflowId: room.workflowId,
      meetingWorkflowId: input.meetingWorkflowId,
      meetingUrl: input.meetingUrl,
      botName: input.room.botName,
      ...(schedule ? { joinAt: input.joinAt } : {}),
      metadata: {
        ...input.metadata,
        workflowId: room.workflowId,
        meetingWorkflowId: input.meetingWorkflowId,
        roomKey: input.room.key,
        roomRun: workflowInfo().firstExecutionRunId,
        attempt: String(attempt),
      },
      knownBotIds: room.memory.bots.map((b) => b.id),
      decidedAt: Date.now(),
      createdByRun: workflowInfo().firstExecutionRunId,
      transcript: input.transcript,
      waitingRoomTimeoutSeconds: room.policy.waitingRoomTimeoutSeconds,
      nooneJoinedTimeoutSeconds: room.policy.nooneJoinedTimeoutSeconds,
      ...(input.room.zoom ? { zoom: input.room.zoom } : {}),
      ...(room.memory.learnedRoomId ? { breakoutRoomId: room.memory.learnedRoomId } : {}),
    }),
  );
}

/**
 * After a create that was cancelled or failed, a bot may still exist (an answer lost on the way
 * back): look for it so it is left and collected rather than orphaned. It may have ended already (a
 * crash, a kick) with recordings to collect, so the room's own bots are looked for in any state.
 */
async function findOrphan(room: Room): Promise<string | undefined> {
  try {
    const found = await botCalls.findLiveBot({
      workflowId: room.workflowId,
      meetingWorkflowId: room.input.meetingWorkflowId,
      knownBotIds: room.memory.bots.map((b) => b.id),
      decidedAt: Date.now(),
      createdByRun: workflowInfo().firstExecutionRunId,
    });
    return found?.botId;
  } catch (err) {
    log.error('could not look for a bot left by an interrupted create', { error: failureMessage(err) });
    return undefined;
  }
}

/** Creates (or adopts) the room's next bot and tracks it; undefined when none was had. */
export async function createNextBot(room: Room): Promise<TrackedBot | undefined> {
  const attempt = room.memory.bots.length + 1;
  const joinAtMs = room.input.joinAt ? Date.parse(room.input.joinAt) : undefined;
  const schedule = attempt === 1 && joinAtMs !== undefined && joinAtMs - Date.now() > SCHEDULED_LEAD_MS;
  if (!(await waitForJoinTime(room, schedule))) return undefined;
  let firstPoolExhaustedAt: number | undefined;
  while (!room.stopping) {
    room.setState('creating_bot');
    room.memory.createSequence++;
    try {
      const { botId, adopted } = await requestBot(room, schedule, attempt);
      const bot = newTrackedBot(botId, attempt);
      if (room.memory.learnedRoomId) bot.askedRoomId = room.memory.learnedRoomId;
      if (adopted) {
        bot.adopted = true;
        log.warn('adopted a live bot of this room instead of creating one', { botId });
      }
      room.track(bot);
      return bot;
    } catch (err) {
      if (failureType(err) === CREATE_FAILURE.poolExhausted && !room.stopping) {
        firstPoolExhaustedAt ??= Date.now();
        if (Date.now() - firstPoolExhaustedAt >= room.policy.poolExhaustedGiveUpSeconds * 1000) {
          room.memory.failReason = `Recall had no ad-hoc bot for ${room.policy.poolExhaustedGiveUpSeconds} s (507)`;
          return undefined;
        }
        // Recall's ad-hoc pool is empty: wait, then ask again under a new idempotency key.
        room.setState('backoff');
        await condition(() => room.stopping, room.policy.poolExhaustedRetrySeconds * 1000);
        continue;
      }
      const orphan = await findOrphan(room);
      if (orphan) {
        const bot = newTrackedBot(orphan, attempt);
        bot.adopted = true;
        room.track(bot);
        return bot;
      }
      if (!isCancellation(err) && !room.stopping)
        room.memory.failReason = `bot creation failed: ${failureMessage(err)}`;
      return undefined;
    }
  }
  return undefined;
}
