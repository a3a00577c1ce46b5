import type { FastifyReply } from 'fastify';
import {
  DuplicateRoomError,
  InvalidInputError,
  MeetingEndingError,
  MeetingNotFoundError,
  MeetingStillRunningError,
  TemporalUnavailableError,
} from '../client';

/** Answers a typed client error with its status; anything else is rethrown for fastify's 500. */
export function replyWithClientError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof InvalidInputError) {
    return reply.code(400).send({ error: 'InvalidInput', field: error.field, message: error.reason });
  }
  if (error instanceof MeetingNotFoundError) {
    return reply.code(404).send({ error: 'MeetingNotFound', message: `no meeting "${error.meetingKey}"` });
  }
  if (error instanceof DuplicateRoomError)
    return reply.code(409).send({ error: 'DuplicateRoom', message: error.message });
  if (error instanceof MeetingStillRunningError)
    return reply.code(409).send({ error: 'MeetingStillRunning', message: error.message });
  if (error instanceof MeetingEndingError)
    return reply.code(409).send({ error: 'MeetingEnding', message: error.message });
  if (error instanceof TemporalUnavailableError) {
    return reply.code(503).send({ error: 'TemporalUnavailable', message: 'Temporal is unreachable: retry later' });
  }
  throw error instanceof Error ? error : new Error(String(error));
}
