/**
 * The HTTP API for services that would rather not speak Temporal: a fastify plugin over the client
 * helpers, registered into the webhook receiver's server when API_TOKEN is set.
 */
import type { Client } from '@temporalio/client';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { ArtifactNotFoundError, artifactUrls } from '../artifacts/artifact-urls';
import type { ArtifactStore } from '../artifacts/store';
import {
  addRoom,
  closeRoom,
  deleteMeeting,
  endMeeting,
  getDeletion,
  getMeetingStatus,
  meetingWorkflowId,
  replayNotification,
  startMeeting,
  TemporalUnavailableError,
} from '../client';
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
  /** Where the worker stores artifacts: `GET /meetings/:key/artifacts/:room/:kind` hands out links into it. */
  artifacts?: ArtifactStore;
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

/** Free text lands in histories and logs: bounded, so a client cannot bloat either. */
export const MAX_REASON_LENGTH = 500;

class ReasonTooLongError extends Error {}

const reasonOf = (body: ReasonBody | undefined) => {
  if (typeof body?.reason !== 'string') return undefined;
  if (body.reason.length > MAX_REASON_LENGTH) throw new ReasonTooLongError();
  return body.reason;
};

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

  /**
   * Answers with the helper's result, or with the status of the typed client error it threw. The
   * reply is sent outside the try: a reply is thenable, and only the Temporal call is guarded.
   */
  const respond = async <T>(reply: FastifyReply, fn: () => Promise<T>, answer: (value: T) => FastifyReply) => {
    let value: T;
    try {
      value = await temporal(fn);
    } catch (error) {
      return replyWithClientError(reply, error);
    }
    return answer(value);
  };

  scope.addHook('onResponse', async (request, reply) => {
    requests.inc({ route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
  });
  // onRequest: before the body is read, so an unauthenticated client never gets a body buffered.
  scope.addHook('onRequest', bearerAuth(options.apiToken));
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ReasonTooLongError) {
      return reply
        .code(400)
        .send({ error: 'InvalidInput', field: 'reason', message: `at most ${MAX_REASON_LENGTH} characters` });
    }
    // Malformed JSON and the like: fastify's own 4xx, in the API's error shape.
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'InvalidInput', field: 'body', message: error.message });
    }
    // The log keeps the cause; the answer says nothing about the internals.
    request.log.error({ err: error }, 'HTTP API request failed');
    return reply.code(500).send({ error: 'InternalError', message: 'internal error; see the server log' });
  });

  scope.post<{ Body: unknown }>('/meetings', async (request, reply) => {
    const { meetingKey, ...input } = (request.body ?? {}) as { meetingKey?: unknown };
    if (typeof meetingKey !== 'string') {
      return reply.code(400).send({ error: 'InvalidInput', field: 'meetingKey', message: 'is required' });
    }
    return respond(
      reply,
      () => startMeeting(client, input, { meetingKey, taskQueue }),
      (started) => reply.code(started.created ? 201 : 200).send(started),
    );
  });

  scope.get<{ Params: KeyParams }>('/meetings/:key', async (request, reply) =>
    respond(
      reply,
      () => getMeetingStatus(client, request.params.key),
      (status) => reply.send(status),
    ),
  );

  scope.post<{ Params: KeyParams; Body: unknown }>('/meetings/:key/rooms', async (request, reply) =>
    respond(
      reply,
      () => addRoom(client, request.params.key, request.body),
      (workflowId) => reply.code(201).send({ workflowId }),
    ),
  );

  scope.post<{ Params: RoomParams; Body: ReasonBody | undefined }>(
    '/meetings/:key/rooms/:room/close',
    async (request, reply) =>
      respond(
        reply,
        () => closeRoom(client, request.params.key, request.params.room, reasonOf(request.body)),
        () => reply.code(202).send({ status: 'closing' }),
      ),
  );

  scope.post<{ Params: KeyParams; Body: ReasonBody | undefined }>('/meetings/:key/end', async (request, reply) =>
    respond(
      reply,
      () => endMeeting(client, request.params.key, reasonOf(request.body)),
      () => reply.code(202).send({ status: 'ending' }),
    ),
  );

  // Ready callbacks and deletion run as workflows: these answer 202 with the workflow's ID at once.
  scope.post<{ Params: KeyParams; Body: { roomKey?: unknown } | undefined }>(
    '/meetings/:key/notify/replay',
    async (request, reply) => {
      const roomKey = request.body?.roomKey;
      if (roomKey !== undefined && typeof roomKey !== 'string') {
        return reply.code(400).send({ error: 'InvalidInput', field: 'roomKey', message: 'must be a string' });
      }
      return respond(
        reply,
        () => replayNotification(client, request.params.key, { taskQueue, ...(roomKey ? { roomKey } : {}) }),
        (started) => reply.code(202).send(started),
      );
    },
  );

  scope.delete<{ Params: KeyParams }>('/meetings/:key', async (request, reply) =>
    respond(
      reply,
      () => deleteMeeting(client, request.params.key, { taskQueue }),
      (started) => reply.code(202).send(started),
    ),
  );

  scope.get<{ Params: KeyParams }>('/meetings/:key/deletion', async (request, reply) =>
    respond(
      reply,
      () => getDeletion(client, request.params.key),
      (deletion) => reply.send(deletion),
    ),
  );

  const { artifacts } = options;
  if (artifacts) {
    /**
     * A short-lived link to a room's artifact: 302 to a presigned S3 URL when the room has exactly
     * one of that kind and the client does not ask for JSON; otherwise `{ urls: [...] }`.
     */
    scope.get<{ Params: RoomParams & { kind: string }; Querystring: { expiresIn?: string } }>(
      '/meetings/:key/artifacts/:room/:kind',
      async (request, reply) => {
        const expiresIn = Number(request.query.expiresIn ?? 900);
        if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 7 * 24 * 3600) {
          return reply.code(400).send({ error: 'InvalidInput', field: 'expiresIn', message: 'seconds, 1 to 604800' });
        }
        const { key, room, kind } = request.params;
        let urls;
        try {
          urls = await artifactUrls(
            artifacts,
            { meetingWorkflowId: meetingWorkflowId(key), roomKey: room, kind },
            expiresIn,
          );
        } catch (error) {
          if (error instanceof ArtifactNotFoundError) {
            return reply.code(404).send({ error: 'ArtifactNotFound', message: error.message });
          }
          throw error;
        }
        const [only] = urls;
        const wantsJson = (request.headers.accept ?? '').includes('application/json');
        if (urls.length === 1 && only && /^https?:/.test(only.url) && !wantsJson) return reply.redirect(only.url, 302);
        return reply.send({ urls });
      },
    );
  }

  done();
}
