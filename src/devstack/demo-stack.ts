/**
 * Everything the demo runs, on one machine: the Temporal dev server (or the one already at
 * TEMPORAL_ADDRESS), the Recall emulator and the webhook receiver in this process, and the worker
 * as a child process started exactly like `npm run worker`.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config';
import { startEmulator, type Emulator } from '../emulator';
import { runWebhookServer, type RunningWebhookServer } from '../webhooks/main';
import { isListening, startDevServer, type DevServer } from './dev-server';
import { DEMO_TIME_SCALE } from './demo-meeting';
import { startDemoWorker, type DemoWorker } from './demo-worker';
import { freePort } from './free-port';

const ROOT = resolve(__dirname, '..', '..');
const DEFAULT_ADDRESS = 'localhost:7233';

export interface DemoStack {
  client: Client;
  config: Config;
  emulator: Emulator;
  /** True when this demo started the Temporal server (and will stop it). */
  ownServer: boolean;
  uiUrl: string;
  metricsUrl: string;
}

function hostAndPort(address: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match?.[1] || !match[2]) throw new Error(`TEMPORAL_ADDRESS must be host:port, got "${address}"`);
  return { host: match[1], port: Number(match[2]) };
}

/** Reuses a reachable server; otherwise starts the dev server, but only on this machine. */
async function temporalServer(address: string, log: Logger): Promise<DevServer | null> {
  const { host, port } = hostAndPort(address);
  if (await isListening(host, port)) return null;
  if (!['localhost', '127.0.0.1', '::1'].includes(host)) {
    throw new Error(`no Temporal server answers at TEMPORAL_ADDRESS=${address}; start it or unset the variable`);
  }
  return startDevServer({
    port,
    uiPort: port + 1000,
    dbFilename: resolve(ROOT, 'data', 'temporal.db'),
    onLog: (line) => log.info({ component: 'temporal' }, line),
  });
}

/**
 * Starts the stack. Each started piece goes onto the caller's stop list at once, so a failure
 * halfway (or Ctrl-C during start) still stops what is already running.
 */
export async function startDemoStack(log: Logger, stops: (() => Promise<void>)[]): Promise<DemoStack> {
  const address = process.env.TEMPORAL_ADDRESS ?? DEFAULT_ADDRESS;
  const server = await temporalServer(address, log);
  if (server) stops.push(() => server.stop());

  // Throw-away credentials: the emulator accepts only these, and they live as long as the demo.
  const apiKey = `demo-${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const emulator = await startEmulator({
    apiKey,
    webhookSecret,
    timeScale: DEMO_TIME_SCALE,
    // A fresh seed per run: bot ids stay unique across demos that share the SQLite history.
    seed: Date.now() % 2 ** 31,
    logger: log.child({ component: 'emulator' }),
  });
  stops.push(() => emulator.close());

  const metricsPort = await freePort();
  const config = loadConfig({
    TEMPORAL_ADDRESS: server?.address ?? address,
    TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: process.env.TEMPORAL_TASK_QUEUE,
    RECALL_API_KEY: apiKey,
    RECALL_BASE_URL: emulator.baseUrl,
    RECALL_WEBHOOK_SECRET: webhookSecret,
    WEBHOOK_HOST: '127.0.0.1',
    WEBHOOK_PORT: '0',
    WEBHOOK_OPS_PORT: '0',
    ARTIFACTS_DIR: resolve(ROOT, 'data', 'artifacts'),
    LOG_LEVEL: 'info',
    WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
  });

  const receiver: RunningWebhookServer = await runWebhookServer(config, log.child({ component: 'webhooks' }));
  stops.push(() => receiver.close());
  emulator.addWebhookUrl(`${receiver.url}/webhooks/recall`);

  const worker: DemoWorker = await startDemoWorker(ROOT, config, log);
  stops.push(() => worker.stop());

  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  stops.push(() => connection.close());
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

  return {
    client,
    config,
    emulator,
    ownServer: server !== null,
    uiUrl: server?.uiUrl ?? `http://localhost:${hostAndPort(address).port + 1000}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
  };
}

/** Stops what was started, last started first: the worker goes before the server it polls. */
export async function stopAll(stops: (() => Promise<void>)[], log: Logger): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    await stop().catch((err: unknown) => log.warn({ err }, 'demo: a component did not stop cleanly'));
  }
}
