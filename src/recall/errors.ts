/**
 * The one error type the Recall client throws. Callers (activities, Temporal's retry policy)
 * decide what to do from `status`, `code`, `retryable` and `retryAfterMs`; the client itself
 * never retries.
 */

export interface RecallApiErrorInit {
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  status: number;
  /** Recall's `code` from the error body when it sent one, else a client-side code. */
  code: string;
  detail: string;
  method: string;
  /** Path only: query strings can hold pre-signed URL signatures. */
  path: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** Client-side codes for failures that carry no Recall `code`. */
export const RecallErrorCode = {
  networkError: 'network_error',
  timeout: 'timeout',
  invalidResponse: 'invalid_response',
  downloadUrlExpired: 'download_url_expired',
  tooLarge: 'too_large',
  /** A media URL that is not https, or that points into a private, loopback or link-local network. */
  downloadRefused: 'download_refused',
} as const;

export class RecallApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly method: string;
  readonly path: string;
  readonly retryAfterMs?: number;

  constructor(init: RecallApiErrorInit) {
    const where = `${init.method} ${init.path}`;
    const what = init.status === 0 ? init.code : `${init.status} ${init.code}`;
    super(
      `Recall ${where} failed: ${what}: ${init.detail}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = 'RecallApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.method = init.method;
    this.path = init.path;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }

  /**
   * Whether trying the same call again later can succeed. Follows Recall's error table:
   * 409 (idempotency key in flight), 429, 507 (ad-hoc pool empty) and 5xx are transient, as are
   * network errors and timeouts; other 4xx and client-side rejections (expired download URL,
   * too large, malformed response) are not.
   */
  get retryable(): boolean {
    if (this.status === 0) {
      return this.code === RecallErrorCode.networkError || this.code === RecallErrorCode.timeout;
    }
    if (this.code === RecallErrorCode.invalidResponse) return false;
    return this.status === 409 || this.status === 429 || this.status >= 500;
  }
}

/**
 * Parses a `Retry-After` header into milliseconds from `now`: either delay-seconds or an
 * HTTP-date (RFC 9110 §10.2.3). A date in the past means "now" (0). Unparseable → undefined.
 */
export function parseRetryAfter(header: string | string[] | undefined, now: Date = new Date()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // All three HTTP-date forms start with a day name; V8's Date.parse alone accepts far too much.
  if (!/^(mon|tue|wed|thu|fri|sat|sun)/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
