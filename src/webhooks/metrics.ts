import { Counter, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';

/** Why a delivery got a non-2xx answer (Recall retries those) or a 2xx without a signal. */
export type RejectReason =
  | 'missing_headers'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'bad_secret'
  | 'invalid_json'
  | 'not_recall_event'
  | 'too_large'
  | 'temporal_unavailable'
  | 'namespace_not_found'
  | 'signal_failed';
export type IgnoreReason =
  'no_bot' | 'no_workflow_id' | 'not_a_room_workflow_id' | 'workflow_not_found' | 'not_needed' | 'already_signalled';
export type SignalOutcome = 'ok' | 'not_found' | 'namespace_not_found' | 'unavailable' | 'error';

export interface WebhookMetrics {
  received: Counter<'event'>;
  rejected: Counter<'reason'>;
  ignored: Counter<'reason'>;
  signalled: Counter;
  signalSeconds: Histogram<'outcome'>;
}

/** Registers the receiver's metrics, and Node's default ones unless the registry already has them. */
export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  if (!registry.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register: registry });
  return {
    received: new Counter({
      name: 'breakout_webhooks_received_total',
      help: 'Recall webhook deliveries that passed signature verification, by event name.',
      labelNames: ['event'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'breakout_webhooks_rejected_total',
      help: 'Recall webhook deliveries answered with a non-2xx status, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    ignored: new Counter({
      name: 'breakout_webhooks_ignored_total',
      help: 'Verified deliveries acknowledged without a signal: no bot, no or a refused workflowId, a closed/unknown workflow, or a webhook-id already signalled.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    signalled: new Counter({
      name: 'breakout_webhooks_signalled_total',
      help: 'Recall webhook deliveries that Temporal accepted as recallEvent signals.',
      registers: [registry],
    }),
    signalSeconds: new Histogram({
      name: 'breakout_webhook_signal_seconds',
      help: 'Time to signal the routed workflow, by outcome.',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
