import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Stack } from './stack';
import { freePort } from '../../src/devstack/free-port';

export interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** The real `npm run worker` entry point as a separate process, configured for the stack. */
export async function spawnWorker(stack: Stack): Promise<WorkerProcess> {
  const output: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../workers/main.ts')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: stack.temporal.address,
      TEMPORAL_NAMESPACE: stack.temporal.namespace,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      RECALL_API_KEY: stack.apiKey,
      RECALL_BASE_URL: stack.emulator.baseUrl,
      RECALL_WEBHOOK_SECRET: stack.webhookSecret,
      RECALL_CREATE_RATE_PER_MINUTE: '6000',
      ARTIFACTS_DIR: stack.artifactsDir,
      WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      SHUTDOWN_GRACE_SECONDS: '2',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  return { child, output, exited };
}
