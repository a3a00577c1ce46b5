import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { EmulatorCore } from '../core';
import type { ApiResponse } from '../idempotency';
import { RateLimiter, type RateCategory } from '../rate-limit';
import { apiRoutes } from './api-routes';
import { handleControl } from './control-routes';
import { writeMedia } from './media-writer';
import { matchRoute, NOT_FOUND, type RouteRequest } from './routes';

export interface HttpOptions {
  core: EmulatorCore;
  apiKey: string;
  rateLimits: Record<RateCategory, number>;
  listPageSize: number;
  logger: Logger;
  baseUrl: () => string;
}

const MAX_BODY_BYTES = 1024 * 1024;
const IDEMPOTENT_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Plain `node:http` rather than a framework: the handlers are tiny, the benchmark needs the API to
 * stay cheap, and the lost-response fault needs the raw socket.
 */
export function createEmulatorServer(o: HttpOptions): Server {
  const routes = apiRoutes(o.core, o.listPageSize);
  const limiter = new RateLimiter(o.rateLimits);
  const { idempotency } = o.core;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', o.baseUrl());
    const path = url.pathname;

    if (path.startsWith('/_media/')) {
      await drain(req);
      const media = o.core.serveMedia(path, url.searchParams, method);
      record(path, method, media.response.status);
      writeMedia(res, method, media.response, media.wire);
      return;
    }

    const body = await readJson(req);
    if (path.startsWith('/_emulator/')) {
      if (!isLoopback(req)) return send(res, { status: 403, body: { detail: 'Loopback only.' } });
      if (body === INVALID) return send(res, { status: 400, body: { detail: 'JSON parse error.' } });
      const routeReq: RouteRequest = { params: [], query: url.searchParams, body, idempotencyKey: undefined, url };
      return send(res, handleControl(o.core, method, path, routeReq));
    }

    const reply = (response: ApiResponse) => {
      record(path, method, response.status);
      send(res, response);
    };
    if (!authorized(req.headers.authorization, o.apiKey))
      return reply({ status: 401, body: { detail: 'Invalid token.' } });
    const match = matchRoute(routes, method, path);
    if (match === 'not_found') return reply(NOT_FOUND);
    if (match === 'method_not_allowed')
      return reply({ status: 405, body: { detail: `Method "${method}" not allowed.` } });
    const wait = limiter.take(match.route.category);
    if (wait > 0) {
      return reply({
        status: 429,
        headers: { 'retry-after': String(wait) },
        body: { detail: `Request was throttled. Expected available in ${wait} seconds.` },
      });
    }
    if (body === INVALID) return reply({ status: 400, body: { detail: 'JSON parse error - invalid JSON body.' } });

    const key = IDEMPOTENT_METHODS.has(method) ? header(req, 'idempotency-key') : undefined;
    if (key) {
      const earlier = idempotency.lookup(path, key);
      if (earlier === 'in_flight') {
        return reply({ status: 409, body: { detail: 'A request with this Idempotency-Key is already in progress.' } });
      }
      if (earlier) return reply(earlier);
      idempotency.begin(path, key);
    }
    if (o.core.faults.responseDelayMs > 0) {
      o.core.audit.addFaultHit({
        fault: 'slow_response',
        detail: `${method} ${path} ${o.core.faults.responseDelayMs} ms`,
      });
      await sleep(o.core.faults.responseDelayMs);
    }
    if (match.route.category === 'create' && o.core.faults.createDelayMs > 0) {
      o.core.audit.addFaultHit({ fault: 'slow_create', detail: `${o.core.faults.createDelayMs} ms` });
      await sleep(o.core.faults.createDelayMs);
    }
    const result = match.route.handle({
      params: match.params,
      query: url.searchParams,
      body,
      idempotencyKey: key,
      url,
    });
    const { cache, lose, ...response } = result;
    if (key) {
      if (cache === false) idempotency.abandon(path, key);
      else idempotency.complete(path, key, response);
    }
    if (lose) {
      // The work is done and cached; the client only sees its connection drop.
      record(path, method, 0);
      req.socket.destroy();
      return;
    }
    reply(response);
  };

  const record = (path: string, method: string, status: number) =>
    o.core.audit.addRequest({ method, path, status, at: Date.now() });

  return createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      o.logger.error({ err, method: req.method, url: req.url }, 'emulator request failed');
      if (!res.headersSent) send(res, { status: 500, body: { detail: 'Internal server error.' } });
      else res.destroy();
    });
  });
}

function send(res: ServerResponse, response: ApiResponse): void {
  if (res.destroyed) return;
  const payload = response.body === undefined ? '' : JSON.stringify(response.body);
  const headers: Record<string, string | number> = {
    ...response.headers,
    'content-length': Buffer.byteLength(payload),
  };
  if (payload) headers['content-type'] = 'application/json';
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** `Token <key>` (older docs) or the bare key (newer docs): both are accepted (reference §1). */
function authorized(value: string | undefined, apiKey: string): boolean {
  if (!value) return false;
  const token = value.startsWith('Token ') ? value.slice('Token '.length).trim() : value.trim();
  return token === apiKey;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

const INVALID = Symbol('invalid JSON');

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return INVALID;
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return INVALID;
  }
}

async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req as AsyncIterable<Buffer>) {
    // discard
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
