/**
 * `POST /webhooks/recall`: verify, route, signal, and only then acknowledge.
 *
 * The status code is the whole protocol with Recall (Svix retries any non-2xx for a day), so:
 * 2xx only once Temporal holds the event (or when no workflow will ever want it), 401/400/413 for
 * deliveries that no retry can fix, 503 while Temporal cannot take the signal, 500 otherwise.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { roomWantsEvent } from '../contracts/recall-event';
import { WebhookPayloadError, WebhookVerificationError, verifyRecallWebhook, webhookEventId } from '../recall';
import type { IgnoreReason, RejectReason, WebhookMetrics } from './metrics';
import type { RecentWebhookIds } from './recent-webhook-ids';
import { signalRecallEvent, type SignalResult } from './signal-recall-event';
import { NotARecallEventError, toRecallEvent, type RoutedRecallEvent } from './to-recall-event';

export const RECALL_WEBHOOK_PATH = '/webhooks/recall';

export interface RecallRouteOptions {
  webhookSecret: string;
  client: Client;
  metrics: WebhookMetrics;
  bodyLimitBytes: number;
  signalTimeoutMs: number;
  /** webhook-ids already signalled: a redelivery is acknowledged without a second signal. */
  recentIds: RecentWebhookIds;
}

const STATUS_BY_VERIFICATION_REASON = {
  missing_headers: 401,
  bad_signature: 401,
  stale_timestamp: 401,
  // A secret that cannot even be decoded is our misconfiguration, not the sender's fault.
  bad_secret: 500,
} as const;

/**
 * A plugin, because plugins encapsulate content-type parsers: only this route sees bodies as raw
 * bytes, since the signature covers the exact bytes sent and re-serialized JSON would not match.
 */
export function recallWebhookRoute(scope: FastifyInstance, options: RecallRouteOptions, done: () => void): void {
  const { webhookSecret, client, metrics, bodyLimitBytes, signalTimeoutMs, recentIds } = options;

  function reject(request: FastifyRequest, reply: FastifyReply, status: number, reason: RejectReason, detail: string) {
    metrics.rejected.inc({ reason });
    // Headers are never logged: they carry the signatures.
    request.log.warn({ reason, detail }, 'recall webhook rejected');
    return reply.code(status).send({ error: reason });
  }

  function acknowledge(
    request: FastifyRequest,
    reply: FastifyReply,
    reason: IgnoreReason,
    routed: RoutedRecallEvent,
    webhookId: string,
  ) {
    metrics.ignored.inc({ reason });
    request.log.info(
      { reason, webhookId, event: routed.eventName, botId: routed.event?.botId, workflowId: routed.workflowId },
      'recall webhook acknowledged without a signal: no running workflow needs it',
    );
    return reply.code(200).send({ status: 'ignored', reason });
  }

  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: bodyLimitBytes }, (_request, body, next) =>
    next(null, body),
  );

  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.statusCode === 413) {
      return reject(request, reply, 413, 'too_large', `body larger than ${bodyLimitBytes} bytes`);
    }
    throw error;
  });

  scope.post(RECALL_WEBHOOK_PATH, { bodyLimit: bodyLimitBytes }, async (request, reply) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let payload: unknown;
    try {
      payload = verifyRecallWebhook(webhookSecret, request.headers, rawBody);
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        const status = STATUS_BY_VERIFICATION_REASON[error.reason];
        return reject(request, reply, status, error.reason, error.message);
      }
      if (error instanceof WebhookPayloadError) return reject(request, reply, 400, 'invalid_json', error.message);
      throw error;
    }
    // Verification found a complete header family, so an id is there.
    const webhookId = webhookEventId(request.headers) ?? '';

    let routed: RoutedRecallEvent;
    try {
      routed = toRecallEvent(payload, webhookId);
    } catch (error) {
      if (error instanceof NotARecallEventError) {
        return reject(request, reply, 400, 'not_recall_event', error.message);
      }
      throw error;
    }
    metrics.received.inc({ event: routed.eventName });

    if (!routed.event) return acknowledge(request, reply, 'no_bot', routed, webhookId);
    if (routed.refusedWorkflowId !== undefined) {
      metrics.ignored.inc({ reason: 'not_a_room_workflow_id' });
      request.log.warn(
        { webhookId, event: routed.eventName, botId: routed.event.botId, refusedWorkflowId: routed.refusedWorkflowId },
        'recall webhook names a workflow that is not a room of this project: acknowledged, not signalled',
      );
      return reply.code(200).send({ status: 'ignored', reason: 'not_a_room_workflow_id' });
    }
    if (!routed.workflowId) return acknowledge(request, reply, 'no_workflow_id', routed, webhookId);
    if (!roomWantsEvent(routed.eventName)) return acknowledge(request, reply, 'not_needed', routed, webhookId);

    const { workflowId, event } = routed;
    const stopTimer = metrics.signalSeconds.startTimer();
    const result = await recentIds.once(webhookId, async (): Promise<SignalResult> => {
      const signalled = await signalRecallEvent(client, workflowId, event, signalTimeoutMs);
      if (signalled.outcome === 'ok') recentIds.remember(webhookId);
      return signalled;
    });
    if (result === 'duplicate') return acknowledge(request, reply, 'already_signalled', routed, webhookId);
    const { outcome, error } = result;
    stopTimer({ outcome });
    const context = { webhookId, event: routed.eventName, botId: event.botId, workflowId };
    switch (outcome) {
      case 'ok':
        metrics.signalled.inc();
        request.log.info(context, 'recall webhook signalled');
        return reply.code(200).send({ status: 'signalled' });
      case 'not_found':
        return acknowledge(request, reply, 'workflow_not_found', routed, webhookId);
      case 'namespace_not_found':
        request.log.error({ ...context, err: error }, 'temporal namespace not found: check TEMPORAL_NAMESPACE');
        return reject(request, reply, 503, 'namespace_not_found', 'the configured Temporal namespace does not exist');
      case 'unavailable':
        request.log.warn({ ...context, err: error }, 'temporal unavailable: recall will redeliver');
        return reject(request, reply, 503, 'temporal_unavailable', 'temporal did not accept the signal in time');
      case 'error':
        request.log.error({ ...context, err: error }, 'signalling the workflow failed');
        return reject(request, reply, 500, 'signal_failed', 'signalling the workflow failed');
    }
  });
  done();
}
