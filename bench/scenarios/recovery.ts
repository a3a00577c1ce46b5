/**
 * Recovery: a meeting of rooms that all record, then the worker process is killed with SIGKILL and
 * started again at once, several times; each time, how long until every open room answers again.
 * The rooms' histories then say what the server waited on (workflow task timeouts by kind).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { temporal } from '@temporalio/proto';
import { median, round, type ScenarioResult } from '../support/figures';
import { benchMeetingSpec, FAST_POLICY } from '../support/meeting-spec';
import { freePort } from '../support/processes';
import { startProcessStack } from '../support/process-stack';
import { msUntilAllAnswer, openWorkflows } from '../support/recovery';
import { readCacheCounters, type CacheCounters } from '../support/worker-metrics';

export interface RecoveryOptions {
  buildDir: string;
  rooms: number;
  kills: number;
  /** The worker's STICKY_QUEUE_TIMEOUT_SECONDS (default: the worker's own). */
  stickyTimeoutSeconds?: number;
}

const TimeoutType = temporal.api.enums.v1.TimeoutType;
const WORKFLOW_TASK_TIMED_OUT = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT;

export async function recovery(options: RecoveryOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const timeScale = 20;
  // One metrics address for every worker life, so each life's cache counters can be read before it is killed.
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const stack = await startProcessStack({
    buildDir: options.buildDir,
    emulator: { timeScale },
    workerEnv: {
      WORKER_METRICS_ADDRESS: metricsAddress,
      ...(options.stickyTimeoutSeconds !== undefined
        ? { STICKY_QUEUE_TIMEOUT_SECONDS: String(options.stickyTimeoutSeconds) }
        : {}),
    },
  });
  try {
    await stack.startReceiver();
    await stack.startWorker('worker');
    const meeting = stack.emulator.createMeeting(benchMeetingSpec(options.rooms, 600 * timeScale));
    const workflowId = await stack.startMeeting(
      { meetingUrl: meeting.url, roomCount: options.rooms, policy: FAST_POLICY },
      'recovery',
    );
    const roomIds = Array.from({ length: options.rooms }, (_, i) => `${workflowId}/room/room-${i + 1}`);
    const recording = () =>
      stack.emulator.audit.bots().filter((b) => b.statuses.at(-1)?.code === 'in_call_recording').length;
    const bound = Date.now() + 120_000;
    while (recording() < options.rooms && Date.now() < bound) await delay(250);

    /** Milliseconds per kill; undefined when the rooms never all answered (which fails the figure). */
    const recoveries: (number | undefined)[] = [];
    const restarts: number[] = [];
    /** Each worker life's cache counters, read just before it ends (the last one after the meeting). */
    const lives: (CacheCounters | undefined)[] = [];
    for (let k = 0; k < options.kills; k++) {
      // Rooms poll their bots every few seconds, so each has recent workflow tasks on the worker
      // (a sticky queue), as rooms in a live meeting do.
      await delay(8000);
      const open = await openWorkflows(stack.client, roomIds);
      lives.push(await readCacheCounters(metricsAddress));
      const killedAt = Date.now();
      await stack.killWorker('worker');
      await stack.startWorker('worker');
      restarts.push(Date.now() - killedAt);
      const ms = await msUntilAllAnswer(stack.client, open, killedAt);
      recoveries.push(ms);
    }
    meeting.end();
    await stack.client.workflow.getHandle(workflowId).result();
    lives.push(await readCacheCounters(metricsAddress));

    const timeouts: Record<string, number> = {};
    for (const id of roomIds) {
      for (const event of (await stack.client.workflow.getHandle(id).fetchHistory()).events ?? []) {
        if (event.eventType !== WORKFLOW_TASK_TIMED_OUT) continue;
        const type = TimeoutType[event.workflowTaskTimedOutEventAttributes?.timeoutType ?? 0] ?? 'unknown';
        timeouts[type] = (timeouts[type] ?? 0) + 1;
      }
    }
    const recovered = recoveries.filter((ms): ms is number => ms !== undefined);
    const failed = recoveries.length - recovered.length;
    // A recovery that never came is not a number to take a median of: it fails the figure.
    const value = recovered.length > 0 ? median(recovered) : undefined;
    return {
      scenario: 'recovery',
      seconds: round((Date.now() - started) / 1000, 0),
      parameters: { ...options, timeScale },
      figures: [
        {
          scenario: 'recovery',
          name: 'SIGKILL to every room answering (median)',
          value: value === undefined ? 'never' : round(value / 1000, 1),
          unit: 's',
          goal: '<= 5',
          met: failed === 0 && value !== undefined && value <= 5_000,
          note: `runs: ${recoveries.map((ms) => (ms === undefined ? 'never' : round(ms / 1000, 1))).join(', ')} s${failed > 0 ? ` (${failed} never recovered within 120 s)` : ''}; new worker polling after ${restarts.map((ms) => round(ms / 1000, 1)).join(', ')} s; workflow task timeouts in the rooms' histories: ${
            Object.entries(timeouts)
              .map(([t, n]) => `${t} ${n}`)
              .join(', ') || 'none'
          }; full replays per worker life (the first starts the meeting, each later one follows a kill and must replay every open workflow once): ${lives
            .map((c) => (c ? `${c.replays} of ${c.tasks} workflow tasks` : 'unread'))
            .join('; ')}`,
        },
      ],
    };
  } finally {
    await stack.close();
  }
}
