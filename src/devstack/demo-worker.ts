/**
 * The demo's worker: `workers/main.ts` in a child process, configured through the environment like
 * any deployment. A child keeps `src/` free of imports from `workers/` and `workflows/`, and runs the
 * same entry point, Prometheus endpoint and shutdown path as production.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Config } from '../config';

export interface DemoWorker {
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

/** Every config value as the environment variable the worker reads. */
function workerEnv(config: Config): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SHUTDOWN_GRACE_SECONDS: '5' };
  for (const [name, value] of Object.entries(config)) {
    if (value !== undefined && name !== 'SHUTDOWN_GRACE_SECONDS') env[name] = String(value);
  }
  return env;
}

/** Starts the worker and resolves once it polls; its output goes to `data/demo-worker.log`. */
export async function startDemoWorker(root: string, config: Config, log: Logger): Promise<DemoWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'workers', 'main.ts')], {
    cwd: root,
    env: workerEnv(config),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  const logFile = createWriteStream(join(root, 'data', 'demo-worker.log'), { flags: 'a' });
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), delay(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped) {
      log.warn('demo: worker ignored SIGTERM; killing it');
      child.kill('SIGKILL');
      await exited;
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const started = new Promise<void>((resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the worker did not start within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"msg":"worker started"')) resolve();
    });
    void exited.then(() => reject(new Error('the worker exited at start: see data/demo-worker.log')));
  });
  try {
    await started;
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { stop };
}
