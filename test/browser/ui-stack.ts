/**
 * A stack of its own for the browser test: a Temporal dev server WITH its Web UI (the suite's
 * shared server runs headless), the Recall emulator, the webhook receiver and the workers, with
 * payload encryption on as in production, and the codec server the Web UI decodes through.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import { dataConverterFrom, EncryptionCodec, parseCodecKeys } from '../../src/codec';
import { buildCodecServer } from '../../src/codec/server';
import { startDevServer, type DevServer } from '../../src/devstack/dev-server';
import { startEmulator, type Emulator } from '../../src/emulator';
import { RecallClient } from '../../src/recall';
import { buildWebhookServer } from '../../src/webhooks/server';
import { createWorkers, runWorkers } from '../../workers/create-workers';
import { freePort } from '../../src/devstack/free-port';

export interface UiStack {
  client: Client;
  emulator: Emulator;
  taskQueue: string;
  uiUrl: string;
  /** The codec server the Web UI calls, on 127.0.0.1, and its bearer token. */
  codecUrl: string;
  codecToken: string;
  close(): Promise<void>;
}

export async function startUiStack(): Promise<UiStack> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const stops: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'breakout-ui-'));
    stops.push(() => rm(dataDir, { recursive: true, force: true }));
    const codecKeys = `ui-key:${randomBytes(32).toString('base64')}`;
    const dataConverter = dataConverterFrom({ PAYLOAD_CODEC_KEYS: codecKeys });
    const uiPort = await freePort();
    const codecToken = randomBytes(32).toString('hex');
    const codecServer = buildCodecServer({
      codec: new EncryptionCodec(parseCodecKeys(codecKeys, 'PAYLOAD_CODEC_KEYS')),
      authToken: codecToken,
      corsOrigins: [`http://localhost:${uiPort}`],
      logger: pino({ level: 'silent' }),
    });
    const codecUrl = await codecServer.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => codecServer.close());

    const server: DevServer = await startDevServer({
      port: await freePort(),
      uiPort,
      dbFilename: join(dataDir, 'temporal.db'),
      uiCodecEndpoint: codecUrl,
    });
    stops.push(() => server.stop());

    const apiKey = `ui-${randomBytes(12).toString('hex')}`;
    const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
    const logger = pino({ level: 'silent' });
    const emulator = await startEmulator({ apiKey, webhookSecret, timeScale: 20, rateLimits: { create: 0 } });
    stops.push(() => emulator.close());

    const connection = await Connection.connect({ address: server.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default', dataConverter });
    const receiver = buildWebhookServer({ webhookSecret, client, logger });
    await receiver.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => receiver.close());
    const address = receiver.server.address();
    if (!address || typeof address !== 'object') throw new Error('receiver has no address');
    emulator.addWebhookUrl(`http://127.0.0.1:${address.port}/webhooks/recall`);

    const taskQueue = 'breakout-recorder';
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    stops.push(() => nativeConnection.close());
    const recall = new RecallClient({ apiKey, baseUrl: emulator.baseUrl, logger });
    stops.push(() => recall.close());
    const workers = await createWorkers({
      dataConverter,
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: { recall, store: new LocalArtifactStore(join(dataDir, 'artifacts')) },
      createRatePerMinute: 6000,
      workflows: { workflowsPath: require.resolve('../../workflows') },
      shutdownGraceMs: 1000,
    });
    const running = runWorkers(workers);
    stops.push(async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running;
    });

    if (!server.uiUrl) throw new Error('the dev server runs without its UI');
    return { client, emulator, taskQueue, uiUrl: server.uiUrl, codecUrl, codecToken, close };
  } catch (err) {
    await close();
    throw err;
  }
}
