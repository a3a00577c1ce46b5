import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { temporalSecurity } from '../client/temporal-security';

/**
 * A Temporal client that connects on first use and reconnects by itself. `Connection.connect`
 * fails when the server is down; the receiver must instead start, answer 503 (so Recall redelivers
 * later) and recover once Temporal is back. gRPC backs off between reconnection attempts up to
 * two minutes by default; capping it keeps the receiver's recovery within seconds.
 */
export function lazyTemporalClient(options: {
  address: string;
  namespace: string;
  /** The payload codec: signals are encrypted like everything else the project sends. */
  dataConverter?: DataConverter;
}): Client {
  const connection = Connection.lazy({
    address: options.address,
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 2_000 },
    ...temporalSecurity(),
  });
  return new Client({ connection, namespace: options.namespace, dataConverter: options.dataConverter ?? {} });
}

/** Temporal did not answer within the receiver's budget. */
export class TemporalTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`temporal did not answer within ${timeoutMs} ms`);
    this.name = 'TemporalTimeoutError';
  }
}

/**
 * Runs `fn`'s Temporal calls under a gRPC deadline, and also stops waiting at that deadline: the
 * client's retry interceptor sleeps up to 5 s between attempts without looking at the deadline.
 * A call abandoned that way may still land later; redelivery then duplicates it, which the
 * workflow's dedupe by event id absorbs.
 */
export async function withTimeout<T>(client: Client, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const call = client.connection.withDeadline(Date.now() + timeoutMs, fn);
  // The abandoned call's eventual failure is expected: keep it from becoming an unhandled rejection.
  call.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TemporalTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
  }
}
