/**
 * What operators do to running meetings, as the chaos run does it: cancel a meeting while its bots
 * are being created, terminate a meeting and start it again under a new run, reset a room workflow
 * to before its bot was created. Each returns a check that says whether it struck as intended.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { LocalArtifactStore } from '../../src/artifacts/local-store';
import type { Emulator } from '../../src/emulator';
import { ANY_OUTCOME } from '../../test/support/invariants';
import { readRoomManifest, roomIdOf, roomResultOf, startRun, type ChaosMeeting } from './meetings';

export interface DisruptionContext {
  client: Client;
  taskQueue: string;
  emulator: Emulator;
  store: LocalArtifactStore;
  log: (line: string) => void;
}

/** Undefined when the disruption struck as intended, else why not. */
export type Confirm = () => string | undefined;

const EventType = temporal.api.enums.v1.EventType;
/** Recall holds creates this long while the cancel lands, so the creates are in flight then. */
const SLOW_CREATE_MS = 2500;
/** A cancelled or terminated meeting's rooms must have stopped (left, collected, reported) within this. */
export const ROOM_STOP_BOUND_MS = 90_000;

/**
 * Starts the meeting while Recall handles creates slowly (listings are not held, so a search after
 * the cancel can overtake a create), and cancels it as soon as one of its creates has reached Recall
 * (from the audit: Recall holds the request), so the cancel lands while bots are being created. Run
 * it while no other meeting creates bots, and before create faults are armed, so the create Recall
 * holds is this meeting's and makes a bot. The bots those creates make must still be left (and
 * collected), and the meeting must still report every room and write its manifest.
 */
export async function cancelMidStart(ctx: DisruptionContext, meeting: ChaosMeeting): Promise<Confirm> {
  const roomIds = meeting.roomKeys.map((k) => roomIdOf(meeting, k));
  const since = Date.now();
  const createHeld = () => ctx.emulator.audit.faultHits().some((h) => h.fault === 'slow_create' && h.at >= since);
  ctx.emulator.faults.slowCreates(SLOW_CREATE_MS);
  let cancelledAt: number | undefined;
  try {
    await startRun(ctx.client, ctx.taskQueue, meeting);
    const deadline = Date.now() + 60_000;
    while (!createHeld() && Date.now() < deadline) await delay(20);
    await ctx.client.workflow.getHandle(meeting.workflowId).cancel();
    cancelledAt = Date.now();
    ctx.log(
      `  cancelled ${meeting.workflowId} ${createHeld() ? 'with a create held by Recall' : 'but no create reached Recall'}`,
    );
    await delay(SLOW_CREATE_MS);
  } finally {
    ctx.emulator.faults.slowCreates(0);
  }
  return () => {
    const late = ctx.emulator.audit
      .bots()
      .filter(
        (b) => roomIds.includes(b.metadata.workflowId ?? '') && b.createdAt > (cancelledAt ?? Number.POSITIVE_INFINITY),
      );
    return late.length > 0 ? undefined : `no bot of ${meeting.workflowId} was created after the cancel landed`;
  };
}

/**
 * Terminates the meeting (its rooms get a cancel request from the parent close policy), waits for
 * every room to stop and keeps what it reported, then starts the meeting again under the same ID.
 */
export async function terminateAndRestart(ctx: DisruptionContext, meeting: ChaosMeeting): Promise<Confirm> {
  const first = meeting.runs.at(-1)!;
  await ctx.client.workflow.getHandle(meeting.workflowId, first.runId).terminate('chaos: terminate-and-restart');
  first.status = 'TERMINATED';
  const stopped = await Promise.all(
    meeting.roomKeys.map(async (key) => {
      const workflowId = roomIdOf(meeting, key);
      const result = await roomResultOf(ctx.client, workflowId, ROOM_STOP_BOUND_MS);
      const closed = (await ctx.client.workflow.getHandle(workflowId).describe()).status.name;
      const manifest = await readRoomManifest(ctx.store, meeting, key);
      // No meeting is left to receive a terminated run's room results: a room that closed as
      // cancelled reports through its room.json alone, which must then hold its outcome and artifacts.
      meeting.earlyReports.push({
        workflowId,
        run: `run 1 of ${meeting.key}, terminated; the room closed ${closed}`,
        startedAt: first.startedAt,
        result: result ?? (closed === 'RUNNING' ? undefined : manifest),
        manifest,
        allowed: ANY_OUTCOME,
      });
      return closed !== 'RUNNING';
    }),
  );
  ctx.log(`  ${stopped.filter(Boolean).length} of ${stopped.length} rooms closed after the terminate; restarting`);
  const second = await startRun(ctx.client, ctx.taskQueue, meeting);
  return () => (second.runId !== first.runId ? undefined : 'the restart did not make a new run');
}

/**
 * Resets the first room's workflow to the workflow task that scheduled its first createBot, after
 * Recall's idempotency hour passed, so the new run must adopt the live first bot, not add a second.
 */
export async function resetRoom(ctx: DisruptionContext, meeting: ChaosMeeting): Promise<Confirm> {
  const workflowId = roomIdOf(meeting, meeting.roomKeys[0]!);
  const handle = ctx.client.workflow.getHandle(workflowId);
  const { runId } = await handle.describe();
  const events = (await handle.fetchHistory()).events ?? [];
  const create = events.findIndex(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
      e.activityTaskScheduledEventAttributes?.activityType?.name === 'createBot',
  );
  const point = events
    .slice(0, Math.max(create, 0))
    .findLast((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  if (create < 0 || !point?.eventId) return () => `${workflowId} had scheduled no createBot to reset to before`;
  // As if the reset came more than an hour later: Recall no longer replays the first create's key,
  // so only adopting the live bot keeps the room at one bot.
  ctx.emulator.faults.expireIdempotencyKeys();
  const { runId: newRunId } = await ctx.client.workflowService.resetWorkflowExecution({
    namespace: ctx.client.options.namespace,
    workflowExecution: { workflowId, runId },
    reason: 'chaos: reset to before bot creation',
    workflowTaskFinishEventId: point.eventId,
    requestId: randomUUID(),
  });
  ctx.log(`  reset ${workflowId} to event ${String(point.eventId)}: run ${newRunId}`);
  return () => (newRunId && newRunId !== runId ? undefined : `the reset of ${workflowId} made no new run`);
}
