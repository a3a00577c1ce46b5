import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { meetingRecordTaskQueue } from '../workflows/meeting-record-step';
import { createBotTaskQueue } from '../workflows/room-workflow';

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Recall's create-bot limit; the create queue is paced to it by the server, across all workers. */
  createRatePerMinute: number;
  /** Prebuilt bundle in production; source path (bundled at start) in development and tests. */
  workflows: { bundlePath: string } | { workflowsPath: string } | Pick<WorkerOptions, 'workflowBundle'>;
  maxCachedWorkflows?: number;
  /** Milliseconds a workflow task waits for the worker that has its workflow cached (see src/config.ts). */
  stickyQueueTimeoutMs?: number;
  /** Milliseconds in-flight activities get to finish after SIGTERM. */
  shutdownGraceMs?: number;
  /**
   * The payload codec (src/codec). Codecs run outside the workflow sandbox, so the workflow bundle
   * is the same with or without one.
   */
  dataConverter?: DataConverter;
}

/**
 * The three workers of the service: the main one runs both workflows and every activity; the
 * second polls only the create-bot queue, whose dispatch rate the server limits for the whole
 * queue, so a 100-room meeting never sends Recall a burst of creates and never meets a 429 storm;
 * the third builds merged meeting records one at a time, so meetings ending together never hold
 * every room's transcript in the process at once (the capacity bench's memory peak was there).
 */
export async function createWorkers(setup: WorkerSetup): Promise<Worker[]> {
  const activities = createActivities(setup.deps);
  const workflowSource =
    'bundlePath' in setup.workflows ? { workflowBundle: { codePath: setup.workflows.bundlePath } } : setup.workflows;
  const common = {
    connection: setup.connection,
    namespace: setup.namespace,
    shutdownGraceTime: setup.shutdownGraceMs ?? 30_000,
    dataConverter: setup.dataConverter ?? {},
  };
  const main = await Worker.create({
    ...common,
    ...workflowSource,
    taskQueue: setup.taskQueue,
    activities,
    maxCachedWorkflows: setup.maxCachedWorkflows ?? 500,
    stickyQueueScheduleToStartTimeout: setup.stickyQueueTimeoutMs ?? 1000,
  });
  const creator = await Worker.create({
    ...common,
    taskQueue: createBotTaskQueue(setup.taskQueue),
    activities: { createBot: (input: Parameters<typeof activities.createBot>[0]) => activities.createBot(input) },
    maxTaskQueueActivitiesPerSecond: setup.createRatePerMinute / 60,
    maxConcurrentActivityTaskExecutions: 10,
  });
  const recorder = await Worker.create({
    ...common,
    taskQueue: meetingRecordTaskQueue(setup.taskQueue),
    activities: {
      buildMeetingRecord: (input: Parameters<typeof activities.buildMeetingRecord>[0]) =>
        activities.buildMeetingRecord(input),
    },
    maxConcurrentActivityTaskExecutions: 1,
  });
  return [main, creator, recorder];
}

/** Runs the workers until one stops (shutdown signal or fatal error), then shuts the others down. */
export async function runWorkers(workers: Worker[]): Promise<void> {
  const runs = workers.map((w) => w.run());
  try {
    await Promise.race(runs);
  } finally {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(runs);
  }
}
