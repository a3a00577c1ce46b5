/**
 * The webhook receiver's HTTP servers. The public one faces the internet: Recall's webhook route,
 * the HTTP API when configured, and `/healthz`. The ops one (`/readyz`, `/metrics`, `/healthz`)
 * listens on its own address, never published, so the internet learns nothing about the
 * receiver's internals and cannot make it probe Temporal. Neither owns the Temporal client:
 * whoever built the client closes it.
 */
import Fastify from 'fastify';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { meetingsApi } from '../api';
import type { ArtifactStore } from '../artifacts/store';
import { createWebhookMetrics } from './metrics';
import { recallWebhookRoute } from './recall-route';
import { RecentWebhookIds } from './recent-webhook-ids';
import { withTimeout } from './temporal-client';

export interface WebhookServerOptions {
  /** `whsec_…`: verifies deliveries; never logged. */
  webhookSecret: string;
  /** May be lazily connected: the server starts, and answers 503, while Temporal is down. */
  client: Client;
  logger: Logger;
  registry?: Registry;
  /** Larger deliveries get 413. Recall's bot events are a few hundred bytes. */
  bodyLimitBytes?: number;
  /** Budget for one signal, client retries included; well under Svix's 15 s response deadline. */
  signalTimeoutMs?: number;
  /** Serves the HTTP API (`/meetings`) too, behind this bearer token. */
  api?: { apiToken: string; taskQueue: string; artifacts?: ArtifactStore };
  /** webhook-ids already signalled; one per process by default. */
  recentWebhookIds?: RecentWebhookIds;
}

export interface OpsServerOptions {
  client: Client;
  logger: Logger;
  /** The registry the public server counts into. */
  registry: Registry;
  /** Budget for the readiness probe's round trip to Temporal. */
  readyTimeoutMs?: number;
}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_SIGNAL_TIMEOUT_MS = 5_000;
export const DEFAULT_READY_TIMEOUT_MS = 2_000;

export type WebhookServer = ReturnType<typeof buildWebhookServer>;

export function buildWebhookServer(options: WebhookServerOptions) {
  const { client, logger } = options;
  const registry = options.registry ?? new Registry();
  const metrics = createWebhookMetrics(registry);

  // The project's logger keeps its redaction; fastify's request serializer logs no headers.
  const app = Fastify({ loggerInstance: logger });

  void app.register(recallWebhookRoute, {
    webhookSecret: options.webhookSecret,
    client,
    metrics,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    signalTimeoutMs: options.signalTimeoutMs ?? DEFAULT_SIGNAL_TIMEOUT_MS,
    recentIds: options.recentWebhookIds ?? new RecentWebhookIds(),
  });

  if (options.api) void app.register(meetingsApi, { client, registry, ...options.api });

  // Liveness: the process answers. Temporal being down must not get the receiver restarted.
  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }));

  return app;
}

/** `/readyz`, `/metrics` and `/healthz`, for probes and Prometheus on a non-public address. */
export function buildOpsServer(options: OpsServerOptions) {
  const { client, registry } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const app = Fastify({ loggerInstance: options.logger });

  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }));

  // Readiness: deliveries can be signalled now. A cheap RPC proves the server answers.
  app.get('/readyz', async (request, reply) => {
    try {
      await withTimeout(client, readyTimeoutMs, () => client.connection.workflowService.getSystemInfo({}));
      return { status: 'ready' };
    } catch (error) {
      // Probes repeat every few seconds: the message is enough, no stack.
      request.log.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        'not ready: temporal unreachable',
      );
      return reply.code(503).send({ status: 'temporal_unreachable' });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });

  return app;
}
