/**
 * Turns failed HTTP exchanges into RecallApiError. Every text that reaches an error passes
 * through `Redactor`, so the API key cannot leak even if a server or proxy echoes it back.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type z } from 'zod';
import { parseRetryAfter, RecallApiError, RecallErrorCode } from './errors';

const MAX_DETAIL_CHARS = 500;

export interface CallContext {
  method: string;
  path: string;
}

export class Redactor {
  readonly #secrets: string[];

  constructor(secrets: string[]) {
    this.#secrets = secrets.filter((secret) => secret.length > 0);
  }

  redact(text: string): string {
    return this.#secrets.reduce((result, secret) => result.replaceAll(secret, '[REDACTED]'), text);
  }
}

function truncate(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
}

/**
 * Recall error bodies are `{code, detail}` for command errors and `{detail}` for auth errors;
 * validation errors are probably DRF `{field: [msg]}`, and the WAF answers HTML. Known fields are
 * used when present, otherwise the raw body is surfaced (truncated).
 */
export function errorFromResponse(
  ctx: CallContext,
  status: number,
  headers: IncomingHttpHeaders,
  text: string,
  redactor: Redactor,
): RecallApiError {
  let code = `http_${status}`;
  let detail = text.trim() === '' ? `HTTP ${status}` : text.trim();
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const fields = body as Record<string, unknown>;
      if (typeof fields.code === 'string' && fields.code !== '') code = fields.code;
      if (typeof fields.detail === 'string') detail = fields.detail;
    }
  } catch {
    // Not JSON (WAF page, proxy error): the raw text is the detail.
  }
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  return new RecallApiError({
    ...ctx,
    status,
    code,
    detail: truncate(redactor.redact(detail)),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export function timeoutError(ctx: CallContext, timeoutMs: number): RecallApiError {
  return new RecallApiError({
    ...ctx,
    status: 0,
    code: RecallErrorCode.timeout,
    detail: `no response within ${timeoutMs} ms`,
  });
}

export function networkError(ctx: CallContext, error: unknown, redactor: Redactor): RecallApiError {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = [typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : undefined]
    .filter((part) => part !== undefined && part !== '')
    .join(': ');
  return new RecallApiError({
    ...ctx,
    status: 0,
    code: RecallErrorCode.networkError,
    detail: redactor.redact(text || 'request failed before a response arrived'),
  });
}

/** Names the offending paths only: the body may hold meeting data and is never copied. */
export function invalidResponse(ctx: CallContext, status: number, problem: string): RecallApiError {
  return new RecallApiError({ ...ctx, status, code: RecallErrorCode.invalidResponse, detail: problem });
}

export function describeIssues(error: z.ZodError): string {
  const paths = error.issues.slice(0, 10).map((issue) => (issue.path.length ? issue.path.join('.') : '(root)'));
  const more = error.issues.length > 10 ? ` and ${error.issues.length - 10} more` : '';
  return `response does not match the expected schema at ${paths.join(', ')}${more}`;
}
