/**
 * The whole service in one test process over real HTTP: the Recall emulator, the webhook receiver,
 * and the two workers against the run's Temporal dev server, on a task queue of the test's own.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import pino from 'pino';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import type { MeetingInput } from '../../src/contracts';
import { FAST_POLICY } from '../../src/devstack/fast-policy';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';
import { RecallClient } from '../../src/recall';
import { buildWebhookServer } from '../../src/webhooks/server';
import { createWorkers, runWorkers } from '../../workers/create-workers';
import { meetingWorkflow } from '../../workflows';
import { historiesOf, saveHistory } from './histories';
import { connectToTestServer, uniqueTaskQueue, type TemporalTestContext } from './temporal';

let runtimeInstalled = false;

export interface Stack {
  temporal: TemporalTestContext;
  emulator: Emulator;
  apiKey: string;
  webhookSecret: string;
  receiverUrl: string;
  taskQueue: string;
  artifactsDir: string;
  /** Every log line the receiver and the Recall client wrote, for secret checks. */
  logLines: string[];
  startMeeting(input: MeetingInput, meetingKey?: string): Promise<WorkflowHandle<typeof meetingWorkflow>>;
  stopWorkers(): Promise<void>;
  /** `dataConverter` replaces the stack's own for these workers (a key rotation, say). */
  startWorkers(dataConverter?: DataConverter): Promise<void>;
  stopReceiver(): Promise<void>;
  startReceiver(): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  emulator?: Partial<EmulatorOptions>;
  createRatePerMinute?: number;
  /** false: the test runs its own worker processes (see worker-process.ts). */
  inProcessWorkers?: boolean;
  /** Opt-in payload codec for the in-process workers and the receiver (src/codec). */
  dataConverter?: DataConverter;
  /** Ready-callback signing secrets of the in-process workers, by name. */
  notifySecrets?: Record<string, string>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const apiKey = `test-key-${randomBytes(12).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const temporal = await connectToTestServer();
  const taskQueue = uniqueTaskQueue('stack');
  const artifactsDir = await mkdtemp(join(tmpdir(), 'breakout-artifacts-'));
  const emulator = await startEmulator({
    apiKey,
    webhookSecret,
    timeScale: 20,
    // Recall's own rate limits stay on (the emulator's defaults): the product must live with 429s.
    ...options.emulator,
  });

  const receiverClient = new Client({
    connection: temporal.connection,
    namespace: temporal.namespace,
    dataConverter: options.dataConverter ?? {},
  });
  let receiver: ReturnType<typeof buildWebhookServer> | undefined;
  let receiverPort = 0;
  async function startReceiver(): Promise<void> {
    receiver = buildWebhookServer({
      webhookSecret,
      client: options.dataConverter ? receiverClient : temporal.client,
      logger: logger.child({ name: 'receiver' }),
    });
    await receiver.listen({ host: '127.0.0.1', port: receiverPort });
    const address = receiver.server.address();
    if (address && typeof address === 'object') receiverPort = address.port;
  }
  await startReceiver();
  const receiverUrl = `http://127.0.0.1:${receiverPort}/webhooks/recall`;
  emulator.addWebhookUrl(receiverUrl);

  let workers: Worker[] = [];
  let running: Promise<void> | undefined;
  async function startWorkers(dataConverter = options.dataConverter): Promise<void> {
    workers = await createWorkers({
      ...(dataConverter ? { dataConverter } : {}),
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      deps: {
        recall: new RecallClient({ apiKey, baseUrl: emulator.baseUrl, logger: logger.child({ name: 'recall' }) }),
        store: new LocalArtifactStore(artifactsDir),
        notifySecrets: options.notifySecrets ?? {},
      },
      createRatePerMinute: options.createRatePerMinute ?? 6000,
      workflows: { workflowsPath: require.resolve('../../workflows') },
      shutdownGraceMs: 1000,
    });
    running = runWorkers(workers);
  }
  async function stopWorkers(): Promise<void> {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running;
  }
  if (options.inProcessWorkers !== false) await startWorkers();

  return {
    temporal,
    emulator,
    apiKey,
    webhookSecret,
    receiverUrl,
    taskQueue,
    artifactsDir,
    logLines,
    startMeeting: (input, meetingKey = `test-${randomBytes(4).toString('hex')}`) =>
      temporal.client.workflow.start(meetingWorkflow, {
        taskQueue,
        workflowId: `meeting/${meetingKey}`,
        args: [{ ...input, policy: { ...FAST_POLICY, ...input.policy } }],
      }),
    stopWorkers,
    startWorkers: (dataConverter?: DataConverter) => startWorkers(dataConverter),
    stopReceiver: async () => {
      await receiver?.close();
    },
    startReceiver,
    async close() {
      await stopWorkers();
      // `CAPTURE_HISTORIES=1 npm test` refreshes the histories that the replay test replays.
      // (Not a stack that encrypts payloads: the replay test has no codec, by design of the codec.)
      if (process.env.CAPTURE_HISTORIES === '1' && !options.dataConverter) {
        for (const h of await historiesOf(temporal.client, taskQueue))
          await saveHistory(h.workflowId, h.runId, h.history);
      }
      await receiver?.close();
      await emulator.close();
      await temporal.close();
      await rm(artifactsDir, { recursive: true, force: true });
    },
  };
}

export async function readArtifact(uri: string): Promise<Buffer> {
  return readFile(fileURLToPath(uri));
}

/** A room of scripted participants whose words are unique to that room. */
export function roomSpec(n: number, options: { closesAtSeconds?: number } = {}) {
  return {
    name: `Room ${n}`,
    ...options,
    participants: [
      { name: `Alice ${n}`, lines: [`alpha${n} apples`, `alpha${n} arrive`] },
      { name: `Bob ${n}`, lines: [`bravo${n} bananas`] },
    ],
  };
}
