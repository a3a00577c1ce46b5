/**
 * Verifies that a request came from Recall. Recall signs the Standard Webhooks / Svix way:
 * base64(HMAC-SHA256(base64decode(secret without "whsec_"), `${id}.${timestamp}.${rawBody}`)),
 * sent as space-separated `v1,<sig>` entries (several during a secret rotation). Workspace
 * secrets use `webhook-*` headers; legacy per-endpoint secrets use `svix-*` headers.
 */
import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** Svix and Standard Webhooks both reject timestamps more than five minutes off, either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export type WebhookVerificationReason = 'missing_headers' | 'bad_signature' | 'stale_timestamp' | 'bad_secret';

export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

/** The signature matched but the body is not JSON: a 400, not a 401. */
export class WebhookPayloadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WebhookPayloadError';
  }
}

export type WebhookHeaders = Record<string, string | string[] | undefined>;

const HEADER_FAMILIES = ['webhook', 'svix'] as const;

interface SignatureHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

function lowerCaseHeaders(headers: WebhookHeaders): Map<string, string> {
  const normalized = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    // A repeated signature header still carries valid entries: keep them all.
    normalized.set(name.toLowerCase(), Array.isArray(value) ? value.join(' ') : value);
  }
  return normalized;
}

/** The first header family that is complete, `webhook-*` before the legacy `svix-*`. */
function signatureHeaders(headers: WebhookHeaders): SignatureHeaders | undefined {
  const normalized = lowerCaseHeaders(headers);
  for (const family of HEADER_FAMILIES) {
    const id = normalized.get(`${family}-id`)?.trim();
    const timestamp = normalized.get(`${family}-timestamp`)?.trim();
    const signature = normalized.get(`${family}-signature`)?.trim();
    if (id && timestamp && signature) return { id, timestamp, signature };
  }
  return undefined;
}

/** The delivery's message id (stable across Recall's redeliveries), for deduplication. */
export function webhookEventId(headers: WebhookHeaders): string | undefined {
  const normalized = lowerCaseHeaders(headers);
  for (const family of HEADER_FAMILIES) {
    const id = normalized.get(`${family}-id`)?.trim();
    if (id) return id;
  }
  return undefined;
}

function signerFor(secret: string): Webhook {
  try {
    // Webhook strips the "whsec_" prefix and base64-decodes the rest into the HMAC key.
    return new Webhook(secret);
  } catch {
    // The library's message names only the decoding problem; never echo the secret itself.
    throw new WebhookVerificationError('bad_secret', 'webhook secret is not a valid "whsec_<base64>" secret');
  }
}

function equalInConstantTime(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Verifies a delivery against the raw request body (never a re-serialized one) and returns the
 * parsed JSON payload.
 *
 * The timestamp check and the comparison are done here rather than by `Webhook.verify` because
 * that method reads the wall clock (tests and replays need `opts.now`) and reports failures only
 * as message strings; the HMAC itself comes from `Webhook.sign`.
 */
export function verifyRecallWebhook(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Buffer,
  opts: { now?: Date } = {},
): unknown {
  const signer = signerFor(secret);
  const signed = signatureHeaders(headers);
  if (!signed) {
    throw new WebhookVerificationError(
      'missing_headers',
      'missing webhook-id/webhook-timestamp/webhook-signature (or svix-*) headers',
    );
  }
  if (!/^\d+$/.test(signed.timestamp)) {
    throw new WebhookVerificationError('missing_headers', 'webhook timestamp header is not unix seconds');
  }
  const timestamp = Number(signed.timestamp);
  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > WEBHOOK_TOLERANCE_SECONDS) {
    throw new WebhookVerificationError(
      'stale_timestamp',
      `webhook timestamp is ${nowSeconds - timestamp}s away from now (tolerance ${WEBHOOK_TOLERANCE_SECONDS}s)`,
    );
  }

  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const expected = signer.sign(signed.id, new Date(timestamp * 1000), body);
  const matches = signed.signature
    .split(/\s+/)
    // Entries are `<version>,<base64>`; only v1 (HMAC-SHA256) exists, others are skipped.
    .filter((entry) => entry.startsWith('v1,'))
    .some((entry) => equalInConstantTime(entry, expected));
  if (!matches) {
    throw new WebhookVerificationError('bad_signature', 'no webhook signature matches the body');
  }

  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new WebhookPayloadError('verified webhook body is not JSON', { cause: error });
  }
}
