import type { Client } from '@temporalio/client';
import { addressOf } from './connect';
import { InvalidInputError, toClientError } from './errors';
import { MeetingKeySchema } from './meeting-key';

/** A meeting key as the caller gave it, checked; a bad one is an InvalidInputError naming `meetingKey`. */
export function parseMeetingKey(meetingKey: string): string {
  const parsed = MeetingKeySchema.safeParse(meetingKey);
  if (!parsed.success) throw InvalidInputError.fromZod(parsed.error, 'meetingKey');
  return parsed.data;
}

/** Runs one Temporal call for a meeting, turning its failures into the helpers' typed client errors. */
export async function call<T>(client: Client, meetingKey: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toClientError(error, { address: addressOf(client), meetingKey });
  }
}
