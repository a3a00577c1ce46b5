/**
 * Invariant 6: the API key never appears in an error, a log line, or anything reachable from a
 * thrown error, even when a server echoes it back.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import pino from 'pino';
import { RecallApiError, RecallClient, recallLogRedactPaths } from '../../src/recall';
import { json, startFakeServer, type FakeServer } from './support/fake-server';

const apiKey = 'sk_live_SECRET_5b0e9f3c2a7d';

function captureLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

function assertNoKey(value: unknown, where: string): void {
  const text = typeof value === 'string' ? value : inspect(value, { depth: 10, showHidden: true });
  assert.ok(!text.includes(apiKey), `${where} contains the API key: ${text}`);
}

void describe('secrets stay out of errors and logs', () => {
  let server: FakeServer;
  let client: RecallClient;
  const captured = captureLogger();

  before(async () => {
    server = await startFakeServer();
    client = new RecallClient({ apiKey, baseUrl: server.baseUrl, timeoutMs: 200, logger: captured.logger });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  void it('covers successes and every kind of failure', async () => {
    const errors: unknown[] = [];
    const attempt = async (call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (error) {
        errors.push(error);
      }
    };

    server.handle((_req, res) => json(res, 200, { id: 'b1' }));
    await client.retrieveBot('b1');

    // A misbehaving server or proxy echoing the Authorization header back, as JSON and as text.
    server.handle((req, res) =>
      json(res, 401, { code: 'bad_token', detail: `rejected ${String(req.headers.authorization)}` }),
    );
    await attempt(() => client.retrieveBot('b1'));
    server.handle((req, res) =>
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`echo: ${String(req.headers.authorization)}`),
    );
    await attempt(() => client.createBot({ meeting_url: 'https://zoom.us/j/1' }, { idempotencyKey: 'k' }));
    server.handle((req, res) => json(res, 400, { meeting_url: [`bad ${String(req.headers.authorization)}`] }));
    await attempt(() => client.createBot({ meeting_url: 'x' }, { idempotencyKey: 'k2' }));

    server.handle((_req, res) => json(res, 200, { id: 42, note: apiKey }));
    await attempt(() => client.retrieveBot('b1'));
    server.handle(() => undefined);
    await attempt(() => client.retrieveBot('b1'));
    server.handle((_req, res) => res.writeHead(403).end(apiKey));
    await attempt(() => client.download(`${server.baseUrl}/media/v.mp4`, { maxBytes: 10 }));

    const offline = new RecallClient({ apiKey, baseUrl: 'http://127.0.0.1:1', logger: captured.logger });
    await attempt(() => offline.retrieveBot('b1'));
    await offline.close();

    assert.equal(errors.length, 7);
    for (const error of errors) {
      assert.ok(error instanceof RecallApiError);
      assertNoKey(error.message, 'message');
      assertNoKey(error.detail, 'detail');
      assertNoKey(error.stack ?? '', 'stack');
      assertNoKey(JSON.stringify(error), 'JSON');
      assertNoKey(error, 'inspected error with cause');
    }
    assert.ok(
      errors.some((error) => error instanceof RecallApiError && error.detail.includes('[REDACTED]')),
      'echoed keys are replaced, not just absent',
    );

    assert.ok(captured.lines.length >= 8, 'every call logs');
    for (const line of captured.lines) assertNoKey(line, 'log line');
    const first = JSON.parse(captured.lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(first.method, 'GET');
    assert.equal(first.path, '/api/v1/bot/b1/');
    assert.equal(first.status, 200);
    assert.equal(typeof first.durationMs, 'number');
  });

  void it('exports redact paths that censor keys, secrets, auth headers and Zoom tokens', () => {
    const { lines } = captureLogger();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    });
    const logger = pino({ level: 'info', redact: { paths: [...recallLogRedactPaths] } }, sink);
    logger.info(
      {
        apiKey,
        webhookSecret: `whsec_${apiKey}`,
        headers: { authorization: `Token ${apiKey}` },
        request: { headers: { authorization: `Token ${apiKey}` } },
        config: { apiKey, webhookSecret: apiKey },
        zoom: { zak: apiKey, token: apiKey, zakUrl: `https://tokens.example/zak?t=${apiKey}` },
        token: apiKey,
      },
      'configured',
    );
    assert.equal(lines.length, 1);
    assertNoKey(lines[0], 'redacted log line');
  });
});
