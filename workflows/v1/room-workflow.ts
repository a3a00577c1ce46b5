/**
 * Release 0.1.0's room workflow, kept so that rooms it started replay and finish on the code that
 * started them (see docs/deploying.md). Changed only where today's activities answer differently;
 * its commands are 0.1.0's, command for command. Delete with its patch once no 0.1.0 room runs.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, BotCollection, BotSnapshot } from '../../activities';
import type { Artifact, RecallEvent, RoomInput, RoomOutcome, RoomResult } from '../../src/contracts';
import { BotIdSA, RoomStateSA } from '../../src/contracts/search-attributes';
import {
  applyEvent,
  hasLeftCall,
  hasRecorded,
  isTerminal,
  newTrackedBot,
  reachedCall,
  type TrackedBot,
} from './bot-tracker';
import { QuietTimer } from '../quiet-timer';
import { backoffSeconds, classifyBotEnd, CREATE_FAILURE } from './classify';
import { leaveSignal, recallEventSignal, roomStatusQuery } from '../../src/contracts/messages';
import { describeEnd, recordingGaps, summarize } from './room-result';
import type { RoomState } from '../../src/contracts/status';

/** A bot whose join_at is further ahead than this is a scheduled bot: reserved, never a 507. */
const SCHEDULED_LEAD_MS = 11 * 60 * 1000;

/** The queue whose workers pace bot creation to Recall's limit (see workers/create-workers.ts). */
export function createBotTaskQueue(taskQueue: string): string {
  return `${taskQueue}-create-bot`;
}

const botCalls = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 8 },
});

const pollCalls = proxyActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3 },
});

/** A local file write: a local activity costs the history one marker instead of six events. */
const reportCalls = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 10 },
});

class PoolExhaustedError extends Error {
  override name = 'PoolExhaustedError';
}

function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function roomWorkflow(input: RoomInput): Promise<RoomResult> {
  const info = workflowInfo();
  const { policy, room } = input;
  const createCalls = proxyActivities<Activities>({
    taskQueue: createBotTaskQueue(info.taskQueue),
    startToCloseTimeout: '30 seconds',
    // Recall replays an idempotent create for an hour: every retry stays well inside that window.
    scheduleToCloseTimeout: '30 minutes',
    retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
  });
  const collectCalls = proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '1 minute',
    scheduleToCloseTimeout: `${policy.mediaTimeoutSeconds} seconds`,
    retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
  });

  const bots: TrackedBot[] = [];
  const seenEvents = new Set<string>();
  const unclaimedEvents: RecallEvent[] = [];
  let current: TrackedBot | undefined;
  let state: RoomState = 'creating_bot';
  let changes = 0;
  let stopReason: string | null = null;
  let failReason: string | null = null;
  let finishedReason: string | null = null;
  let learnedRoomId = room.breakoutRoomId;
  let placementWarning: string | undefined;

  function setState(next: RoomState): void {
    if (next === state) return;
    state = next;
    upsertSearchAttributes([
      { key: RoomStateSA, value: next },
      { key: BotIdSA, value: current?.id ?? null },
    ]);
    setCurrentDetails(
      `**${room.name}**: ${next}` +
        (current ? ` · bot ${current.attempt} of ${policy.maxBotsPerRoom} (\`${current.id}\`)` : '') +
        (failReason || stopReason ? ` · ${failReason ?? stopReason}` : ''),
    );
  }

  function stateOfBot(bot: TrackedBot): RoomState {
    switch (bot.phase) {
      case 'pending':
        return input.joinAt ? 'scheduled' : 'joining';
      case 'joining':
        return 'joining';
      case 'waiting_room':
        return 'waiting_room';
      case 'in_call':
        return bot.recording ? 'recording' : bot.breakoutRoom ? 'in_room' : 'in_call';
      default:
        return stopReason ? 'leaving' : state;
    }
  }

  function noteBreakoutRoom(bot: TrackedBot): void {
    const entered = bot.breakoutRoom;
    if (!entered) return;
    learnedRoomId ??= entered.id ?? undefined;
    const planned = room.breakoutRoomId ? entered.id === room.breakoutRoomId : entered.name === room.name;
    placementWarning = planned
      ? undefined
      : `bot ${bot.id} entered breakout room "${entered.name ?? entered.id}", planned "${room.name}"`;
  }

  function deliver(event: RecallEvent): void {
    if (seenEvents.has(event.eventId)) return;
    seenEvents.add(event.eventId);
    const bot = bots.find((b) => b.id === event.botId);
    // A webhook can beat the create call's response: keep it until the bot is known.
    if (!bot) {
      unclaimedEvents.push(event);
      return;
    }
    if (!applyEvent(bot, event)) return;
    changes++;
    noteBreakoutRoom(bot);
    if (bot === current) setState(stateOfBot(bot));
  }

  function stop(reason: string): void {
    stopReason ??= reason;
  }

  setHandler(recallEventSignal, deliver);
  setHandler(leaveSignal, (request) => stop(request?.reason ?? 'leave requested'));
  let result: RoomResult | undefined = undefined;
  setHandler(roomStatusQuery, () => ({
    key: room.key,
    name: room.name,
    state: result?.outcome ?? state,
    attempt: current?.attempt ?? 0,
    maxBots: policy.maxBotsPerRoom,
    botId: current?.id ?? null,
    breakoutRoom: current?.breakoutRoom ?? null,
    recordingSince: current?.recording ? (current.spans.at(-1)?.from ?? null) : null,
    reason: result?.reason ?? failReason ?? stopReason,
    bots: bots.map(summarize),
  }));

  async function poll(bot: TrackedBot): Promise<void> {
    let snapshot: BotSnapshot;
    try {
      snapshot = await pollCalls.retrieveBot(bot.id);
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('could not retrieve bot; will try again', { botId: bot.id, error: failureMessage(err) });
      return;
    }
    for (const change of snapshot.statusChanges) {
      deliver({
        eventId: `poll:${bot.id}:${change.code}:${change.at}`,
        event: `bot.${change.code}`,
        botId: bot.id,
        code: change.code,
        subCode: change.subCode,
        at: change.at,
        source: 'poll',
      });
    }
  }

  /** Webhooks can be lost: after this much quiet, the bot is retrieved and reconciled. */
  function quietMs(bot: TrackedBot): number {
    if (bot.phase === 'pending' && input.joinAt) {
      return Math.max(Date.parse(input.joinAt) - Date.now(), 0) + policy.pollJoiningSeconds * 1000;
    }
    return (bot.phase === 'in_call' ? policy.pollInCallSeconds : policy.pollJoiningSeconds) * 1000;
  }

  /** Follows one bot until it is done or fatal, asking it to leave once the room is stopping. */
  async function follow(bot: TrackedBot): Promise<void> {
    const timer = new QuietTimer();
    let leaveDeadline: number | undefined;
    let lastHeard = Date.now();
    while (!isTerminal(bot)) {
      if (!stopReason && policy.leaveWhenRoomCloses && bot.leftBreakout) stop('breakout room closed');
      if (stopReason && leaveDeadline === undefined) {
        setState('leaving');
        leaveDeadline = Date.now() + policy.leaveTimeoutSeconds * 1000;
        if (!hasLeftCall(bot)) {
          try {
            await botCalls.leaveBot(bot.id);
          } catch (err) {
            if (isCancellation(err)) throw err;
            log.warn('leave failed; waiting for the bot to end on its own', {
              botId: bot.id,
              error: failureMessage(err),
            });
          }
        }
      }
      const quiet =
        leaveDeadline === undefined ? quietMs(bot) : Math.min(quietMs(bot), policy.pollJoiningSeconds * 1000);
      timer.armBy(lastHeard + quiet);
      const seenChanges = changes;
      const seenTicks = timer.ticks;
      await condition(
        () =>
          changes !== seenChanges || timer.ticks !== seenTicks || (stopReason !== null && leaveDeadline === undefined),
      );
      if (changes !== seenChanges) {
        lastHeard = Date.now();
      } else if (Date.now() >= lastHeard + quiet) {
        await poll(bot);
        lastHeard = Date.now();
      }
      if (leaveDeadline !== undefined && Date.now() >= leaveDeadline && !isTerminal(bot)) {
        log.warn('bot did not reach done after leaving', { botId: bot.id });
        return;
      }
    }
    // `done` can arrive without the `call_ended` that says why: the bot's own history has it.
    if (bot.phase === 'done' && !bot.end) await poll(bot);
  }

  async function createBot(attempt: number, sequence: { n: number }): Promise<string | undefined> {
    const joinAtMs = input.joinAt ? Date.parse(input.joinAt) : undefined;
    const schedule = attempt === 1 && joinAtMs !== undefined && joinAtMs - Date.now() > SCHEDULED_LEAD_MS;
    if (!schedule && joinAtMs !== undefined && joinAtMs > Date.now()) {
      await condition(() => stopReason !== null, joinAtMs - Date.now());
    }
    let firstPoolExhaustedAt: number | undefined;
    while (!stopReason) {
      sequence.n++;
      try {
        const { botId } = await createCalls.createBot({
          idempotencyKey: `${info.workflowId}#${sequence.n}`,
          workflowId: info.workflowId,
          meetingWorkflowId: input.meetingWorkflowId,
          knownBotIds: bots.map((b) => b.id),
          decidedAt: Date.now(),
          meetingUrl: input.meetingUrl,
          botName: room.botName,
          ...(schedule ? { joinAt: input.joinAt } : {}),
          metadata: {
            ...input.metadata,
            workflowId: info.workflowId,
            meetingWorkflowId: input.meetingWorkflowId,
            roomKey: room.key,
            attempt: String(attempt),
          },
          transcript: input.transcript,
          waitingRoomTimeoutSeconds: policy.waitingRoomTimeoutSeconds,
          nooneJoinedTimeoutSeconds: policy.nooneJoinedTimeoutSeconds,
          ...(room.zoom ? { zoom: room.zoom } : {}),
          ...(learnedRoomId ? { breakoutRoomId: learnedRoomId } : {}),
        });
        return botId;
      } catch (err) {
        if (failureType(err) !== CREATE_FAILURE.poolExhausted) throw err;
        firstPoolExhaustedAt ??= Date.now();
        if (Date.now() - firstPoolExhaustedAt >= policy.poolExhaustedGiveUpSeconds * 1000) {
          throw new PoolExhaustedError(`Recall had no ad-hoc bot for ${policy.poolExhaustedGiveUpSeconds} s (507)`);
        }
        // Recall's ad-hoc pool is empty: wait, then ask again under a new idempotency key.
        setState('backoff');
        await condition(() => stopReason !== null, policy.poolExhaustedRetrySeconds * 1000);
        setState('creating_bot');
      }
    }
    return undefined;
  }

  async function runBots(): Promise<void> {
    const sequence = { n: 0 };
    while (!stopReason) {
      if (bots.length >= policy.maxBotsPerRoom) {
        failReason = `gave up after ${bots.length} bots: ${describeEnd(bots.at(-1))}`;
        return;
      }
      if (input.endBy && Date.now() >= Date.parse(input.endBy)) {
        stop('endBy reached');
        return;
      }
      setState('creating_bot');
      const attempt = bots.length + 1;
      let botId: string | undefined;
      try {
        botId = await createBot(attempt, sequence);
      } catch (err) {
        if (isCancellation(err)) throw err;
        failReason = `bot creation failed: ${failureMessage(err)}`;
        return;
      }
      if (!botId) return;
      const bot = newTrackedBot(botId, attempt);
      bots.push(bot);
      current = bot;
      setState(stateOfBot(bot));
      unclaimedEvents.filter((e) => e.botId === botId).forEach((e) => applyEvent(bot, e) && noteBreakoutRoom(bot));
      setState(stateOfBot(bot));
      await follow(bot);
      if (stopReason) return;
      const action = bot.end ? classifyBotEnd(bot.end.code, bot.end.subCode) : 'unknown';
      if (action === 'finished') {
        finishedReason = describeEnd(bot);
        return;
      }
      if (action === 'fail') {
        failReason = describeEnd(bot);
        return;
      }
      if (action === 'unknown') log.warn('bot ended with an unknown code; replacing it', { end: bot.end });
      setState('backoff');
      const delay = backoffSeconds(attempt, policy.backoffInitialSeconds, policy.backoffMaxSeconds);
      await condition(() => stopReason !== null, delay * 1000);
    }
  }

  async function collect(): Promise<{ artifacts: Artifact[]; errors: string[] }> {
    setState('collecting');
    const errors: string[] = [];
    const collected = await Promise.all(
      bots.filter(reachedCall).map(async (bot): Promise<Artifact[]> => {
        try {
          const collection: BotCollection | Artifact[] = await collectCalls.collectArtifacts({
            meetingWorkflowId: input.meetingWorkflowId,
            roomKey: room.key,
            botId: bot.id,
          });
          // 0.1.0's activity answered with the list itself; a collection that ran since, with a BotCollection.
          return Array.isArray(collection) ? collection : collection.artifacts;
        } catch (err) {
          errors.push(`artifacts of bot ${bot.id}: ${failureMessage(err)}`);
          return [];
        }
      }),
    );
    return { artifacts: collected.flat(), errors };
  }

  if (input.endBy) {
    const untilEnd = Date.parse(input.endBy) - Date.now();
    void CancellationScope.cancellable(async () => {
      if (await condition(() => result !== undefined, Math.max(untilEnd, 1))) return;
      stop('endBy reached');
    }).catch(() => undefined);
  }

  try {
    await runBots();
  } catch (err) {
    if (!isCancellation(err)) throw err;
    stop('cancelled');
    // Cancellation is a stop: the bot still leaves and what it recorded is still collected.
    if (current && !isTerminal(current)) await CancellationScope.nonCancellable(() => follow(current!));
  }

  const finalResult = await CancellationScope.nonCancellable(async () => {
    const { artifacts, errors } = await collect();
    const gaps = recordingGaps(bots);
    const recorded = artifacts.some((a) => a.kind === 'video') || bots.some(hasRecorded);
    let outcome: RoomOutcome;
    if (recorded) outcome = gaps.length > 0 || failReason || errors.length > 0 ? 'partial' : 'recorded';
    else outcome = stopReason && !failReason ? 'cancelled' : 'failed';
    const reason =
      [failReason ?? stopReason ?? finishedReason ?? (recorded ? 'recorded' : 'no recording'), ...errors].join('; ') +
      (outcome === 'failed' && !failReason && finishedReason ? ' before anything was recorded' : '');
    const roomResult: RoomResult = {
      key: room.key,
      name: room.name,
      workflowId: info.workflowId,
      outcome,
      reason,
      bots: bots.map(summarize),
      artifacts,
      missing: [],
      gaps,
      timeline: [],
      recordingNotices: [],
      ...(placementWarning ? { placementWarning } : {}),
    };
    await reportCalls.writeRoomManifest({ meetingWorkflowId: input.meetingWorkflowId, result: roomResult });
    return roomResult;
  });
  result = finalResult;
  setState(finalResult.outcome);
  return finalResult;
}
