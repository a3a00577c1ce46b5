/**
 * The worker process (workflows and activities), with pino logs and Prometheus metrics. Production:
 * `node dist/workers/main.js` after `npm run build`; development: `npm run worker` (the sources via tsx).
 */
import '../scripts/node-version';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';
import { LocalArtifactStore } from '../src/artifacts/local-store';
import { openArtifactStore } from '../src/artifacts/open-store';
import { dataConverterForProcess } from '../src/codec';
import { temporalSecurity } from '../src/client/temporal-security';
import { loadConfigOrExit, parseNotifySecrets } from '../src/config';
import { createLogger } from '../src/logger';
import { RecallClient } from '../src/recall';
import { createWorkers, runWorkers } from './create-workers';
import { connectWhenReachable } from './temporal-connection';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The build (`dist/workers/main.js`) loads the workflow bundle `npm run build` wrote beside it
 * (`dist/workflow-bundle.js`); the sources (`npm run worker`) bundle the workflows at start, whatever
 * NODE_ENV says, since only the build has a bundle.
 */
function workflowSource(): { bundlePath: string } | { workflowsPath: string } {
  if (__filename.endsWith('.ts')) return { workflowsPath: require.resolve('../workflows') };
  const bundlePath = join(__dirname, '..', 'workflow-bundle.js');
  if (!existsSync(bundlePath)) throw new Error(`no workflow bundle at ${bundlePath}: run npm run build`);
  return { bundlePath };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  Runtime.install({
    logger: new DefaultLogger(
      config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'DEBUG' : 'INFO',
      (entry) => logger[PINO_LEVEL[entry.level]]({ ...entry.meta }, entry.message),
    ),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
      metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS } },
    },
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
  const connection = await connectWhenReachable({ address: config.TEMPORAL_ADDRESS, ...temporalSecurity() }, logger);
  const recall = new RecallClient({
    apiKey: config.RECALL_API_KEY,
    ...(config.RECALL_BASE_URL ? { baseUrl: config.RECALL_BASE_URL } : { region: config.RECALL_REGION }),
    logger,
  });
  const store = openArtifactStore(config);
  if (store instanceof LocalArtifactStore) {
    // Temporary files of downloads a killed worker left behind; a failed sweep never stops the start.
    const swept = await store
      .sweepPartials()
      .catch((err: unknown) => void logger.warn({ err }, 'artifact sweep failed'));
    if (swept) logger.info({ swept }, 'removed stale .partial artifact files');
  }
  const workers = await createWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: { recall, store, notifySecrets: parseNotifySecrets(config.NOTIFY_SECRETS) },
    createRatePerMinute: config.RECALL_CREATE_RATE_PER_MINUTE,
    workflows: workflowSource(),
    maxCachedWorkflows: config.MAX_CACHED_WORKFLOWS,
    stickyQueueTimeoutMs: config.STICKY_QUEUE_TIMEOUT_SECONDS * 1000,
    shutdownGraceMs: config.SHUTDOWN_GRACE_SECONDS * 1000,
    dataConverter: dataConverterForProcess(config, logger),
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker started');
  try {
    await runWorkers(workers);
  } finally {
    await connection.close();
  }
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  console.error('worker failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
