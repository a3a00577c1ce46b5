import { ApplicationFailure } from '@temporalio/activity';
import { RecallApiError } from '../src/recall';
import { CREATE_FAILURE } from '../workflows/classify';

/**
 * Maps a Recall client error onto Temporal's single retry loop: 429 waits for `Retry-After`,
 * 5xx, 409 and network errors back off and retry with the same idempotency key, 507 goes back to
 * the workflow (it needs a new key after 30 s), and any other 4xx is final, carrying Recall's code.
 * Other errors (a cancellation above all) pass through as they are.
 */
export function toActivityFailure(err: unknown): Error {
  if (!(err instanceof RecallApiError)) return err instanceof Error ? err : new Error(String(err));
  const where = `${err.method} ${err.path}`;
  if (err.status === 507) {
    return ApplicationFailure.create({
      type: CREATE_FAILURE.poolExhausted,
      message: `Recall has no ad-hoc bot available (507) on ${where}`,
      nonRetryable: true,
      details: [{ status: err.status, code: err.code }],
    });
  }
  if (err.status === 429) {
    return ApplicationFailure.create({
      type: 'RecallRateLimited',
      message: `Recall rate limit on ${where}`,
      nextRetryDelay: err.retryAfterMs,
      details: [{ status: err.status, code: err.code }],
    });
  }
  if (err.retryable) {
    return ApplicationFailure.create({
      type: 'RecallUnavailable',
      message: `Recall unavailable on ${where}: ${err.status || err.code}`,
      details: [{ status: err.status, code: err.code }],
    });
  }
  return ApplicationFailure.create({
    type: CREATE_FAILURE.rejected,
    message: `Recall rejected ${where}: ${err.status} ${err.code}`,
    nonRetryable: true,
    details: [{ status: err.status, code: err.code, detail: err.detail }],
  });
}

export async function recallCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toActivityFailure(err);
  }
}
