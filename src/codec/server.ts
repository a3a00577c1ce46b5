/**
 * The codec server: Temporal's remote codec protocol, so the Web UI and the CLI show decrypted
 * payloads while the Temporal server only ever stores ciphertext.
 *
 *   POST …/encode, POST …/decode   body and answer: {"payloads":[{"metadata":{k: base64},"data": base64}]}
 *
 * Only the path's last segment counts (the protocol lets a proxy mount it under any prefix, e.g.
 * per namespace). Every call needs `Authorization: Bearer <CODEC_AUTH_TOKEN>`, checked before the
 * body is read, with one exception: the Temporal Web UI sends no fixed token (only an OIDC access
 * token, with its login on), so a call WITHOUT an Authorization header is let through when its
 * `Origin` is one of the configured Web UI origins AND it comes over loopback. A browser cannot
 * forge its Origin, so another site's page is refused; only a process on this host could forge
 * one, and it can already reach the Web UI, which shows the same payloads decoded. Browsers get
 * CORS answers for the configured Web UI origins only.
 */
import { isIP } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { bearerAuth } from '../api/auth';
import { ConfigError } from '../config';

export interface CodecServerOptions {
  codec: PayloadCodec;
  authToken: string;
  /**
   * Web UI origins allowed to call from a browser, e.g. `http://localhost:8233`; over loopback they
   * need no token (see above).
   */
  corsOrigins: readonly string[];
  logger: Logger;
  /** Temporal refuses payloads over 2 MB; base64 and a batch of them fit in this. */
  bodyLimitBytes?: number;
}

const BASE64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const PayloadsSchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), BASE64).nullish(),
      data: BASE64.nullish(),
    }),
  ),
});
type JsonPayload = z.output<typeof PayloadsSchema>['payloads'][number];

const fromJson = (payload: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(payload.data ?? '', 'base64'),
});

const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

/** An origin as browsers send it: `http(s)://host[:port]`, nothing more (never `null` or `*`). */
function checkedOrigin(origin: string): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== origin) {
    throw new ConfigError(`CODEC_CORS_ORIGINS: "${origin}" is not an origin like http://localhost:8233`);
  }
  return origin;
}

/** True for a peer on this host: 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

export function buildCodecServer(options: CodecServerOptions) {
  const { codec, logger } = options;
  const origins = new Set(options.corsOrigins.map(checkedOrigin));
  const app = Fastify({ loggerInstance: logger, bodyLimit: options.bodyLimitBytes ?? 8 * 1024 * 1024 });
  const authenticate = bearerAuth(options.authToken, 'CODEC_AUTH_TOKEN');

  /** Answers a browser from an allowed origin; other origins get no CORS headers and the browser blocks them. */
  function cors(request: FastifyRequest, reply: FastifyReply) {
    const origin = request.headers.origin;
    if (origin === undefined || !origins.has(origin)) return;
    void reply
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-credentials', 'true')
      .header('vary', 'Origin');
  }

  /** The Web UI in a browser on this host: no Authorization header, an allowed Origin, a loopback peer. */
  function isLocalWebUi(request: FastifyRequest): boolean {
    const origin = request.headers.origin;
    return (
      request.headers.authorization === undefined &&
      origin !== undefined &&
      origins.has(origin) &&
      isLoopbackAddress(request.socket.remoteAddress)
    );
  }

  app.addHook('onRequest', async (request, reply) => {
    cors(request, reply);
    if (request.method === 'OPTIONS' || request.url === '/healthz' || isLocalWebUi(request)) return;
    await authenticate(request, reply);
  });

  app.options('/*', (request, reply) => {
    if (!reply.hasHeader('access-control-allow-origin')) return reply.code(403).send();
    return (
      reply
        .code(204)
        .header('access-control-allow-methods', 'POST, OPTIONS')
        // authorization-extras: the ID token the Web UI adds with TEMPORAL_CODEC_PASS_ACCESS_TOKEN.
        .header('access-control-allow-headers', 'authorization, authorization-extras, content-type, x-namespace')
        .header('access-control-max-age', '600')
        .send()
    );
  });

  app.get('/healthz', () => ({ status: 'ok' }));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'BadRequest', message: error.message });
    }
    request.log.error({ err: error }, 'codec server failed');
    return reply.code(500).send({ error: 'InternalError' });
  });

  async function run(request: FastifyRequest, reply: FastifyReply, direction: 'encode' | 'decode') {
    const parsed = PayloadsSchema.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).send({ error: 'BadRequest', message: 'body must be {"payloads":[{metadata, data}]}' });
    }
    let payloads: Payload[];
    try {
      payloads = await codec[direction](parsed.data.payloads.map(fromJson));
    } catch (error) {
      // The protocol's answer to a codec error; the message names a key id at most, never a key.
      request.log.warn({ direction, reason: error instanceof Error ? error.message : String(error) }, 'codec refused');
      return reply.code(400).send({ error: 'CodecError', message: error instanceof Error ? error.message : 'failed' });
    }
    return reply.send({ payloads: payloads.map(toJson) });
  }

  app.post('/*', async (request, reply) => {
    const last = request.url.split('?')[0]!.split('/').filter(Boolean).pop();
    if (last === 'encode' || last === 'decode') return run(request, reply, last);
    return reply.code(404).send({ error: 'NotFound', message: 'POST …/encode or …/decode' });
  });

  return app;
}
