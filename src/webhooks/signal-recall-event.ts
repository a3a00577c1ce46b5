/**
 * Delivers one recallEvent signal and says what became of it, so the receiver can answer Recall
 * with a status that makes it retry exactly when retrying can help.
 */
import { isGrpcServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import type { RecallEvent } from '../contracts/recall-event';
import { recallEventSignal } from '../contracts/messages';
import type { SignalOutcome } from './metrics';
import { TemporalTimeoutError, withTimeout } from './temporal-client';

/**
 * gRPC status codes meaning "the server could not take it now, try later" (numbers from the gRPC
 * spec, so this module needs no direct @grpc/grpc-js dependency): CANCELLED, DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED (rate limited), ABORTED (conflict), UNAVAILABLE.
 */
const TRANSIENT_GRPC_CODES = new Set([1, 4, 8, 10, 14]);

function grpcCodeOf(error: unknown): number | undefined {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (isGrpcServiceError(current)) return current.code;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

export function classifySignalError(error: unknown): Exclude<SignalOutcome, 'ok'> {
  // A wrong TEMPORAL_NAMESPACE also answers NOT_FOUND: our misconfiguration, never "the room is gone".
  if (error instanceof NamespaceNotFoundError) return 'namespace_not_found';
  if (error instanceof WorkflowNotFoundError && /namespace/i.test(error.message)) return 'namespace_not_found';
  // Signalling a closed or never-started workflow: the bot outlived its room, nothing to deliver.
  if (error instanceof WorkflowNotFoundError) return 'not_found';
  if (error instanceof TemporalTimeoutError) return 'unavailable';
  const code = grpcCodeOf(error);
  return code !== undefined && TRANSIENT_GRPC_CODES.has(code) ? 'unavailable' : 'error';
}

export interface SignalResult {
  outcome: SignalOutcome;
  error?: unknown;
}

/** Never throws: every failure is classified. The timeout covers the client's own gRPC retries. */
export async function signalRecallEvent(
  client: Client,
  workflowId: string,
  event: RecallEvent,
  timeoutMs: number,
): Promise<SignalResult> {
  try {
    await withTimeout(client, timeoutMs, () => client.workflow.getHandle(workflowId).signal(recallEventSignal, event));
    return { outcome: 'ok' };
  } catch (error) {
    return { outcome: classifySignalError(error), error };
  }
}
