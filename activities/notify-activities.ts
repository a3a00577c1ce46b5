import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import type { ArtifactStore } from '../src/artifacts/store';
import { storeCall } from './store-failure';
import type { NotifyDelivery, NotifyInput } from './types';

/** Failure types of a delivery; all but the first two are retried. */
export const NOTIFY_FAILURE = {
  secretMissing: 'NotifySecretMissing',
  nothingToSend: 'NotifyNothingToSend',
  refused: 'NotifyReceiverRefused',
  unreachable: 'NotifyReceiverUnreachable',
} as const;

const TIMEOUT_MS = 15_000;

/** Signing secrets by name (`NOTIFY_SECRETS`); a meeting names one, or gets `default`. */
export type NotifySecrets = Readonly<Record<string, string>>;

/**
 * Stable per event: every attempt and every replay carries the same `webhook-id`, so a receiver
 * that already processed it can tell (Standard Webhooks' idempotency rule).
 */
export function notifyWebhookId(input: Pick<NotifyInput, 'event' | 'meetingWorkflowId' | 'roomKey'>): string {
  const subject = `${input.event}\n${input.meetingWorkflowId}\n${input.roomKey ?? ''}`;
  return `msg_${createHash('sha256').update(subject).digest('hex').slice(0, 32)}`;
}

/** Where a delivery went, for logs and results: no query string (it may carry a token). */
function target(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

export function createNotifyActivities(store: ArtifactStore, secrets: NotifySecrets) {
  /** The event's data, read back from the store (so a replay sends exactly what the first delivery did). */
  async function eventData(input: NotifyInput): Promise<Record<string, unknown>> {
    const { meetingWorkflowId, roomKey } = input;
    const manifestKey = { meetingWorkflowId, name: 'manifest.json' };
    if (input.event === 'meeting.completed') {
      const result = await storeCall(() => store.getJson(manifestKey));
      if (result === undefined) return nothing(input, 'the meeting manifest is not in the store (deleted?)');
      return { meetingWorkflowId, manifestUri: store.uriOf(manifestKey), result };
    }
    if (!roomKey) throw ApplicationFailure.nonRetryable('room.completed needs a roomKey', NOTIFY_FAILURE.nothingToSend);
    const roomManifestKey = { meetingWorkflowId, roomKey, name: 'room.json' };
    const result = await storeCall(() => store.getJson(roomManifestKey));
    if (result === undefined) return nothing(input, `room ${roomKey}'s manifest is not in the store (deleted?)`);
    return {
      meetingWorkflowId,
      roomKey,
      manifestUri: store.uriOf(manifestKey),
      roomManifestUri: store.uriOf(roomManifestKey),
      result,
    };
  }

  return {
    /**
     * POSTs one Standard Webhooks-signed event (`{ type, timestamp, data }`) to the meeting's
     * notify URL. Any answer but 2xx is a retryable failure (429 waits for `Retry-After`), as
     * Standard Webhooks senders do; no redirect is followed. The secret never leaves this process:
     * only its name travels in workflow payloads. Each attempt is logged with its status.
     */
    async deliverNotification(input: NotifyInput): Promise<NotifyDelivery> {
      const ctx = Context.current();
      const secretName = input.notify.secretName ?? 'default';
      const secret = secrets[secretName];
      if (!secret) {
        throw ApplicationFailure.nonRetryable(
          `no notify secret named "${secretName}" in the worker's NOTIFY_SECRETS`,
          NOTIFY_FAILURE.secretMissing,
        );
      }
      const webhookId = notifyWebhookId(input);
      const now = new Date();
      const body = JSON.stringify({ type: input.event, timestamp: now.toISOString(), data: await eventData(input) });
      const headers = {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(webhookId, now, body),
      };
      const where = target(input.notify.url);
      const logged = { event: input.event, webhookId, url: where, attempt: ctx.info.attempt, replay: !!input.replay };
      let status: number;
      let retryAfter: string | string[] | undefined;
      try {
        const signal = AbortSignal.any([ctx.cancellationSignal, AbortSignal.timeout(TIMEOUT_MS)]);
        const response = await request(input.notify.url, { method: 'POST', headers, body, signal });
        status = response.statusCode;
        retryAfter = response.headers['retry-after'];
        await response.body.dump();
      } catch (err) {
        ctx.cancellationSignal.throwIfAborted();
        const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.name : 'error');
        ctx.log.warn('notification not delivered', { ...logged, error: reason });
        throw ApplicationFailure.create({
          type: NOTIFY_FAILURE.unreachable,
          message: `notify receiver ${where} unreachable: ${reason}`,
        });
      }
      if (status < 200 || status >= 300) {
        ctx.log.warn('notification refused', { ...logged, status });
        const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
        throw ApplicationFailure.create({
          type: NOTIFY_FAILURE.refused,
          message: `notify receiver ${where} answered ${status}`,
          details: [{ status }],
          ...(status === 429 && seconds > 0 ? { nextRetryDelay: seconds * 1000 } : {}),
        });
      }
      ctx.log.info('notification delivered', { ...logged, status });
      return {
        webhookId,
        event: input.event,
        url: where,
        status,
        attempts: ctx.info.attempt,
        deliveredAt: new Date().toISOString(),
      };
    },
  };
}

function nothing(input: NotifyInput, why: string): never {
  throw ApplicationFailure.nonRetryable(`${input.event}: ${why}`, NOTIFY_FAILURE.nothingToSend);
}
