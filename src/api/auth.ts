import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * An `onRequest` hook (it runs before the body is read, so an unauthenticated client cannot make
 * the server buffer a large body) that lets a request through only with
 * `Authorization: Bearer <token>`, the scheme case-insensitive as RFC 7235 says. Both sides are
 * hashed first, so the comparison is constant-time over equal-length digests and leaks neither
 * the token's content nor its length.
 */
export function bearerAuth(token: string, variable = 'API_TOKEN') {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const match = /^bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]!), expected)) return;
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .header('connection', 'close')
      .send({ error: 'Unauthorized', message: `send Authorization: Bearer <${variable}>` });
  };
}
