export { buildOpsServer, buildWebhookServer, type WebhookServer, type WebhookServerOptions } from './server';
export { runWebhookServer, type RunningWebhookServer } from './main';
export { lazyTemporalClient } from './temporal-client';
export { toRecallEvent, NotARecallEventError, type RoutedRecallEvent } from './to-recall-event';
export { RECALL_WEBHOOK_PATH } from './recall-route';
