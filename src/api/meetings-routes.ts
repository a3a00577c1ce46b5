/**
 * The HTTP API for services that would rather not speak Temporal: a fastify plugin over the client
 * helpers, registered into the webhook receiver's server when API_TOKEN is set.
 */
import type { Client } from '@temporalio/client';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { addRoom, closeRoom, endMeeting, getMeetingStatus, startMeeting, TemporalUnavailableError } from '../client';
import { addressOf } from '../client/connect';
import { TemporalTimeoutError, withTimeout } from '../webhooks/temporal-client';
import { bearerAuth } from './auth';
import { replyWithClientError } from './errors';
import { createApiRequestsCounter } from './metrics';

export interface MeetingsApiOptions {
  client: Client;
  /** Compared in constant time; never logged. */
  apiToken: string;
  taskQueue: string;
  registry: Registry;
  /** Budget for one request's Temporal calls, client retries included. */
  temporalTimeoutMs?: number;
}

export const DEFAULT_API_TEMPORAL_TIMEOUT_MS = 10_000;

interface KeyParams {
  key: string;
}
interface RoomParams extends KeyParams {
  room: string;
}
interface ReasonBody {
  reason?: unknown;
}

const reasonOf = (body: ReasonBody | undefined) => (typeof body?.reason === 'string' ? body.reason : undefined);

export function meetingsApi(scope: FastifyInstance, options: MeetingsApiOptions, done: () => void): void {
  const { client, taskQueue } = options;
  const timeoutMs = options.temporalTimeoutMs ?? DEFAULT_API_TEMPORAL_TIMEOUT_MS;
  const requests = createApiRequestsCounter(options.registry);

  /** Runs the helper under the request's deadline; a timeout means Temporal is unreachable. */
  const temporal = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(client, timeoutMs, fn);
    } catch (error) {
      if (error instanceof TemporalTimeoutError)
        throw new TemporalUnavailableError(addressOf(client), { cause: error });
      throw error;
    }
  };

  scope.addHook('onResponse', async (request, reply) => {
    requests.inc({ route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
  });
  scope.addHook('preHandler', bearerAuth(options.apiToken));
  scope.setErrorHandler((error: FastifyError, _request, reply) => {
    // Malformed JSON and the like: fastify's own 4xx, in the API's error shape.
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'InvalidInput', field: 'body', message: error.message });
    }
    throw error;
  });

  scope.post<{ Body: unknown }>('/meetings', async (request, reply) => {
    const { meetingKey, ...input } = (request.body ?? {}) as { meetingKey?: unknown };
    if (typeof meetingKey !== 'string') {
      return reply.code(400).send({ error: 'InvalidInput', field: 'meetingKey', message: 'is required' });
    }
    try {
      const started = await temporal(() => startMeeting(client, input, { meetingKey, taskQueue }));
      return reply.code(started.created ? 201 : 200).send(started);
    } catch (error) {
      return replyWithClientError(reply, error);
    }
  });

  scope.get<{ Params: KeyParams }>('/meetings/:key', async (request, reply) => {
    try {
      return reply.send(await temporal(() => getMeetingStatus(client, request.params.key)));
    } catch (error) {
      return replyWithClientError(reply, error);
    }
  });

  scope.post<{ Params: KeyParams; Body: unknown }>('/meetings/:key/rooms', async (request, reply) => {
    try {
      const workflowId = await temporal(() => addRoom(client, request.params.key, request.body));
      return reply.code(201).send({ workflowId });
    } catch (error) {
      return replyWithClientError(reply, error);
    }
  });

  scope.post<{ Params: RoomParams; Body: ReasonBody | undefined }>(
    '/meetings/:key/rooms/:room/close',
    async (request, reply) => {
      try {
        const { key, room } = request.params;
        await temporal(() => closeRoom(client, key, room, reasonOf(request.body)));
        return reply.code(202).send({ status: 'closing' });
      } catch (error) {
        return replyWithClientError(reply, error);
      }
    },
  );

  scope.post<{ Params: KeyParams; Body: ReasonBody | undefined }>('/meetings/:key/end', async (request, reply) => {
    try {
      await temporal(() => endMeeting(client, request.params.key, reasonOf(request.body)));
      return reply.code(202).send({ status: 'ending' });
    } catch (error) {
      return replyWithClientError(reply, error);
    }
  });

  done();
}
