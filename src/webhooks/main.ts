/**
 * `npm run webhooks`: the webhook receiver process. Starts even while Temporal is down (deliveries
 * get 503 and Recall redelivers), and drains in-flight deliveries on SIGINT/SIGTERM.
 */
import '../../scripts/node-version';
import type { Logger } from 'pino';
import { dataConverterForProcess } from '../codec';
import { openArtifactStore } from '../artifacts/open-store';
import { loadConfigOrExit, type Config } from '../config';
import { createLogger } from '../logger';
import { Registry } from 'prom-client';
import { buildOpsServer, buildWebhookServer, type WebhookServer } from './server';
import { lazyTemporalClient } from './temporal-client';

export interface RunningWebhookServer {
  server: WebhookServer;
  /** Where it listens, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Where `/readyz` and `/metrics` listen (WEBHOOK_OPS_HOST:WEBHOOK_OPS_PORT). */
  opsUrl: string;
  close(): Promise<void>;
}

export async function runWebhookServer(config: Config, logger?: Logger): Promise<RunningWebhookServer> {
  const log = logger ?? createLogger({ level: config.LOG_LEVEL, name: 'webhooks' });
  const client = lazyTemporalClient({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: dataConverterForProcess(config, log),
  });
  const registry = new Registry();
  const server = buildWebhookServer({
    webhookSecret: config.RECALL_WEBHOOK_SECRET,
    client,
    logger: log,
    registry,
    ...(config.API_TOKEN
      ? {
          api: {
            apiToken: config.API_TOKEN,
            taskQueue: config.TEMPORAL_TASK_QUEUE,
            artifacts: openArtifactStore(config),
          },
        }
      : {}),
  });
  // Fastify closes after in-flight requests finish, so no signal is cut off halfway.
  const ops = buildOpsServer({ client, logger: log, registry });
  server.addHook('onClose', async () => {
    await ops.close();
    await client.connection.close();
  });
  const url = await server.listen({ host: config.WEBHOOK_HOST, port: config.WEBHOOK_PORT });
  const opsUrl = await ops.listen({ host: config.WEBHOOK_OPS_HOST, port: config.WEBHOOK_OPS_PORT });
  return { server, url, opsUrl, close: () => server.close() };
}

/** The receiver process until SIGINT/SIGTERM; `npm run webhooks` and `breakout webhooks` run it. */
export async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const running = await runWebhookServer(config);
  const log = running.server.log;
  log.info({ temporalAddress: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE }, 'webhook receiver up');
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'webhook receiver shutting down');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'webhook receiver did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('breakout-recorder webhooks: failed to start', error);
    process.exit(1);
  });
}
