/**
 * Typed errors of the client helpers. Callers (CLI exit codes, HTTP statuses) switch on the class;
 * messages name what was wrong and never carry a secret.
 */
import {
  isGrpcServiceError,
  ScheduleNotFoundError as SdkScheduleNotFoundError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { firstIssue } from '../contracts/issue';
import { TemporalTimeoutError } from '../webhooks/temporal-client';

/** Input that no retry can fix; `field` is a path such as `rooms[2].key`. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }

  static fromZod(error: z.ZodError, root = 'input'): InvalidInputError {
    const { field, message } = firstIssue(error, root);
    return new InvalidInputError(field, message);
  }
}

export class MeetingNotFoundError extends Error {
  override name = 'MeetingNotFoundError';
  constructor(readonly meetingKey: string) {
    super(`no meeting "${meetingKey}": check the key with \`breakout list\``);
  }
}

/** The meeting still runs: what needs it closed (a replay, a deletion) has to wait until it has ended. */
export class MeetingStillRunningError extends Error {
  override name = 'MeetingStillRunningError';
  constructor(readonly meetingKey: string) {
    super(`meeting "${meetingKey}" is still running: end it first (\`breakout end ${meetingKey}\`)`);
  }
}

export class DuplicateRoomError extends Error {
  override name = 'DuplicateRoomError';
}

/** The meeting is ending or done: it takes no new rooms. */
export class MeetingEndingError extends Error {
  override name = 'MeetingEndingError';
}

export class ScheduleNotFoundError extends Error {
  override name = 'ScheduleNotFoundError';
  constructor(readonly scheduleId: string) {
    super(`no schedule "${scheduleId}": check the id with \`breakout schedule list\``);
  }
}

export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
  constructor(address: string, options?: ErrorOptions) {
    super(
      `Temporal is not reachable at ${address}: start it (\`npm run demo\` or \`temporal server start-dev\`) or set TEMPORAL_ADDRESS`,
      options,
    );
  }
}

/** gRPC UNAVAILABLE and DEADLINE_EXCEEDED: the server did not answer, as opposed to refusing the call. */
const UNREACHABLE_GRPC_CODES = new Set([4, 14]);

export function isUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof TemporalTimeoutError) return true;
    if (isGrpcServiceError(current)) return UNREACHABLE_GRPC_CODES.has(current.code);
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

/** What a failed Temporal call means to a caller; unknown errors pass through unchanged (a non-Error wrapped in one). */
export function toClientError(error: unknown, context: { address: string; meetingKey?: string }): Error {
  if (error instanceof WorkflowNotFoundError) return new MeetingNotFoundError(context.meetingKey ?? error.workflowId);
  if (error instanceof SdkScheduleNotFoundError) return new ScheduleNotFoundError(error.scheduleId);
  if (isUnreachable(error)) return new TemporalUnavailableError(context.address, { cause: error });
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const { type, message } = error.cause;
    if (type === 'DuplicateRoom') return new DuplicateRoomError(message);
    if (type === 'MeetingEnding') return new MeetingEndingError(message);
    if (type === 'InvalidInput') {
      // The workflow's validator says `invalid room: <field>: <reason>`.
      const match = /^invalid room: ([^:]+): (.*)$/s.exec(message);
      return match ? new InvalidInputError(match[1]!, match[2]!) : new InvalidInputError('room', message);
    }
  }
  return error instanceof Error ? error : new Error(String(error));
}
