/**
 * The service as it runs in production, as separate processes on loopback: the Temporal dev server
 * on a persisted SQLite file, worker processes (`workers/main.ts`), the webhook receiver process
 * (`src/webhooks/main.ts`); the Recall emulator runs in the driver, so it outlives every restart.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../src/devstack/dev-server';
import type { MeetingInput } from '../../src/contracts';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';
import { freePort, killOnExit, spawnManaged, waitForOutput, type ManagedProcess } from './processes';

const ROOT = join(__dirname, '..', '..');

/**
 * The memory settings the production image gives the service's processes (the Dockerfile's `ENV`:
 * NODE_OPTIONS and MALLOC_ARENA_MAX), so the worker and the receiver run here as they do in
 * production.
 */
export function productionEnv(): Record<string, string> {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const env: Record<string, string> = {};
  for (const name of ['NODE_OPTIONS', 'MALLOC_ARENA_MAX']) {
    const value = new RegExp(`^\\s*${name}=(\\S+)`, 'm').exec(dockerfile)?.[1];
    if (value) env[name] = value;
  }
  return env;
}

export interface ProcessStackOptions {
  emulator?: Partial<EmulatorOptions>;
  /** Recall's create limit the workers pace to (the emulator enforces `emulator.rateLimits`). */
  createRatePerMinute?: number;
  workerEnv?: Record<string, string>;
  /** Node options before the worker's entry point (such as a memory probe). */
  workerExecArgv?: string[];
  /** The receiver's LOG_LEVEL: info as in production; chaos runs use debug to scan more lines for secrets. */
  receiverLogLevel?: string;
  /** A production build (see build.ts) to run instead of the TypeScript sources. */
  buildDir?: string;
  /** Lines of the dev server's own log, for diagnosis. */
  onServerLog?: (line: string) => void;
}

export interface ProcessStack {
  /** The Temporal frontend, host:port; the same across restarts. */
  address: string;
  client: Client;
  emulator: Emulator;
  apiKey: string;
  webhookSecret: string;
  taskQueue: string;
  artifactsDir: string;
  receiverUrl: string;
  workers: Map<string, ManagedProcess>;
  receiver: ManagedProcess | undefined;
  /** Every worker and receiver process ever started, dead or alive, for log scans. */
  allProcesses: ManagedProcess[];
  startMeeting(input: MeetingInput, meetingKey: string): Promise<string>;
  /** Starts a worker process and resolves once it polls (its "worker started" line). */
  startWorker(name: string): Promise<ManagedProcess>;
  killWorker(name: string): Promise<void>;
  startReceiver(): Promise<void>;
  killReceiver(): Promise<void>;
  /** The dev server's process id (it changes on restart). */
  serverPid(): number | undefined;
  /** Resolves when the current dev server process ends, for whatever reason, with its code or signal. */
  serverExited(): Promise<number | NodeJS.Signals | null>;
  /** Stops the dev server gracefully and starts it again on the same port and SQLite file. */
  restartTemporal(): Promise<void>;
  /** SIGKILLs the dev server (no shutdown at all); `startTemporal` brings it back on its SQLite file. */
  killTemporal(): Promise<void>;
  /** Starts the dev server again after it died or was killed. */
  startTemporal(): Promise<void>;
  close(): Promise<void>;
}

export async function startProcessStack(options: ProcessStackOptions = {}): Promise<ProcessStack> {
  const apiKey = `bench-key-${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const workDir = await mkdtemp(join(tmpdir(), 'breakout-bench-'));
  const artifactsDir = join(workDir, 'artifacts');
  const dbFilename = join(workDir, 'temporal.sqlite');
  const port = await freePort();
  const receiverPort = await freePort();
  const taskQueue = `bench-${randomBytes(4).toString('hex')}`;
  const createRatePerMinute = options.createRatePerMinute ?? 6000;
  const production = productionEnv();
  // The sources through tsx (the worker bundles its workflows at start), or the compiled build.
  const spawnEntry = (name: string, entry: string, env: Record<string, string>, execArgv: string[] = []) => {
    const base = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...production,
      ...env,
    };
    return options.buildDir
      ? spawnManaged(name, process.execPath, [...execArgv, join(options.buildDir, `${entry}.js`)], base)
      : spawnManaged(name, process.execPath, [...execArgv, '--import', 'tsx', join(ROOT, `${entry}.ts`)], base);
  };
  const serverOptions = {
    port,
    dbFilename,
    headless: true,
    ...(options.onServerLog ? { onLog: options.onServerLog } : {}),
  };

  let serverExit: Promise<number | NodeJS.Signals | null> = Promise.resolve(null);
  const startServer = async () => {
    const started = await startDevServer(serverOptions);
    killOnExit(started.process);
    const child = started.process;
    serverExit = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
      else child.once('exit', (code, signal) => resolve(signal ?? code));
    });
    return started;
  };
  let server: DevServer = await startServer();
  const emulator = await startEmulator({
    apiKey,
    webhookSecret,
    timeScale: 20,
    rateLimits: { create: createRatePerMinute, list: 0, default: 0 },
    ...options.emulator,
  });
  const receiverUrl = `http://127.0.0.1:${receiverPort}/webhooks/recall`;
  emulator.addWebhookUrl(receiverUrl);
  // Reconnects within seconds after the server restarts, as the receiver's own client does.
  const connection = await Connection.connect({
    address: server.address,
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 2_000 },
  });
  const client = new Client({ connection });

  const common = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    RECALL_API_KEY: apiKey,
    RECALL_BASE_URL: emulator.baseUrl,
    RECALL_WEBHOOK_SECRET: webhookSecret,
    LOG_LEVEL: 'info',
  };
  const workers = new Map<string, ManagedProcess>();
  const allProcesses: ManagedProcess[] = [];
  let receiver: ManagedProcess | undefined;

  const stack: ProcessStack = {
    address: server.address,
    client,
    emulator,
    apiKey,
    webhookSecret,
    taskQueue,
    artifactsDir,
    receiverUrl,
    workers,
    get receiver() {
      return receiver;
    },
    allProcesses,
    async startMeeting(input, meetingKey) {
      const workflowId = `meeting/${meetingKey}`;
      await client.workflow.start('meetingWorkflow', { taskQueue, workflowId, args: [input] });
      return workflowId;
    },
    async startWorker(name) {
      const worker = spawnEntry(
        name,
        'workers/main',
        {
          ...common,
          RECALL_CREATE_RATE_PER_MINUTE: String(createRatePerMinute),
          ARTIFACTS_DIR: artifactsDir,
          WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
          SHUTDOWN_GRACE_SECONDS: '2',
          ...options.workerEnv,
        },
        options.workerExecArgv,
      );
      workers.set(name, worker);
      allProcesses.push(worker);
      await waitForOutput(worker, 'worker started');
      return worker;
    },
    async killWorker(name) {
      const worker = workers.get(name);
      worker?.signal('SIGKILL');
      await worker?.exited;
    },
    async startReceiver() {
      receiver = spawnEntry('receiver', 'src/webhooks/main', {
        ...common,
        WEBHOOK_HOST: '127.0.0.1',
        WEBHOOK_PORT: String(receiverPort),
        // Its ops listener (/readyz, /metrics) on a free port, not the fixed default another stack may hold.
        WEBHOOK_OPS_PORT: '0',
        LOG_LEVEL: options.receiverLogLevel ?? 'info',
      });
      allProcesses.push(receiver);
      await waitForOutput(receiver, 'webhook receiver up');
    },
    async killReceiver() {
      receiver?.signal('SIGKILL');
      await receiver?.exited;
    },
    serverPid: () => server.process.pid,
    serverExited: () => serverExit,
    async restartTemporal() {
      await server.stop();
      server = await startServer();
    },
    async killTemporal() {
      server.process.kill('SIGKILL');
      await serverExit;
    },
    async startTemporal() {
      server = await startServer();
    },
    async close() {
      await Promise.allSettled([...allProcesses.map((p) => p.stop(3000)), server.stop()]);
      await connection.close().catch(() => undefined);
      await emulator.close();
      if (process.env.BENCH_KEEP_DIR) {
        // For a post-mortem: the SQLite file (`temporal server start-dev --db-filename`) and each process's output.
        await Promise.all(
          allProcesses.map((p) => writeFile(join(workDir, `${p.name}-${p.child.pid}.log`), p.output.join(''))),
        );
        console.log(`kept ${workDir}`);
        return;
      }
      await rm(workDir, { recursive: true, force: true });
    },
  };
  return stack;
}
