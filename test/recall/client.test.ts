/**
 * RecallClient against a local fake server: request shape, error mapping for cases the emulator
 * cannot produce, pagination safety, timeouts, cancellation and downloads.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { RecallClient } from '../../src/recall';
import { json, startFakeServer, type FakeServer } from './support/fake-server';
import { freePort as unusedPort } from '../../src/devstack/free-port';
import { rejectsWith } from './support/rejects-with';

const apiKey = 'test-key-0123456789abcdef';
const bot = (id: string) => ({ id, status_changes: [], recordings: [], metadata: {} });

void describe('RecallClient (fake server)', () => {
  let server: FakeServer;
  let client: RecallClient;

  before(async () => {
    server = await startFakeServer();
    client = new RecallClient({ apiKey, baseUrl: server.baseUrl, timeoutMs: 2_000 });
  });
  after(async () => {
    await client.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  void describe('configuration', () => {
    void it('defaults to us-west-2, lets baseUrl win over region, and strips trailing slashes', async () => {
      const byDefault = new RecallClient({ apiKey });
      const byRegion = new RecallClient({ apiKey, region: 'eu-central-1' });
      const byBase = new RecallClient({ apiKey, region: 'eu-central-1', baseUrl: 'http://127.0.0.1:9/' });
      assert.equal(byDefault.baseUrl, 'https://us-west-2.recall.ai');
      assert.equal(byRegion.baseUrl, 'https://eu-central-1.recall.ai');
      assert.equal(byBase.baseUrl, 'http://127.0.0.1:9');
      await Promise.all([byDefault.close(), byRegion.close(), byBase.close()]);
    });

    void it('refuses an empty key or an unknown region', () => {
      assert.throws(() => new RecallClient({ apiKey: '' }), TypeError);
      assert.throws(() => new RecallClient({ apiKey, region: 'mars-1' as never }), TypeError);
    });
  });

  void describe('requests', () => {
    void it('creates a bot with the Token header, JSON body and Idempotency-Key', async () => {
      server.handle((_req, res) => json(res, 201, bot('b1')));
      const created = await client.createBot(
        { meeting_url: 'https://zoom.us/j/1', bot_name: 'BreakoutBot-1', metadata: { workflowId: 'w' } },
        { idempotencyKey: 'w#1' },
      );
      assert.equal(created.id, 'b1');
      const [req] = server.requests;
      assert.equal(req?.method, 'POST');
      assert.equal(req?.url, '/api/v1/bot/');
      assert.equal(req?.headers.authorization, `Token ${apiKey}`);
      assert.equal(req?.headers['idempotency-key'], 'w#1');
      assert.equal(req?.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(req?.body ?? ''), {
        meeting_url: 'https://zoom.us/j/1',
        bot_name: 'BreakoutBot-1',
        metadata: { workflowId: 'w' },
      });
    });

    void it('refuses to create a bot without an idempotency key', async () => {
      await assert.rejects(client.createBot({ meeting_url: 'https://zoom.us/j/1' }, { idempotencyKey: '' }), TypeError);
      assert.equal(server.requests.length, 0);
    });

    void it('sends GETs without a body and escapes ids', async () => {
      server.handle((_req, res) => json(res, 200, bot('a/b')));
      await client.retrieveBot('a/b');
      const [req] = server.requests;
      assert.equal(req?.url, '/api/v1/bot/a%2Fb/');
      assert.equal(req?.body, '');
      assert.equal(req?.headers['content-type'], undefined);
    });

    void it('calls every endpoint on its documented path', async () => {
      const artifact = { id: 't1', status: { code: 'processing', sub_code: null, updated_at: null } };
      server.handle((req, res) => {
        if (req.method === 'DELETE') {
          res.writeHead(204).end();
        } else if (req.url.startsWith('/api/v1/recording/r1/create_transcript')) {
          json(res, 200, artifact);
        } else if (req.url.startsWith('/api/v1/transcript/')) {
          json(res, 200, artifact);
        } else if (req.url.startsWith('/api/v1/recording/')) {
          json(res, 200, { id: 'r1', status: { code: 'done', sub_code: null, updated_at: null } });
        } else {
          json(res, 200, bot('b1'));
        }
      });
      await client.leaveCall('b1');
      await client.deleteBot('b1');
      await client.startRecording('b1', { recording_config: {} });
      await client.stopRecording('b1');
      assert.equal((await client.retrieveRecording('r1')).id, 'r1');
      const created = await client.createTranscript('r1', { provider: { recallai_async: { language_code: 'auto' } } });
      assert.equal(created.status.code, 'processing');
      assert.equal((await client.retrieveTranscript('t1')).id, 't1');
      assert.deepEqual(
        server.requests.map((req) => `${req.method} ${req.url}`),
        [
          'POST /api/v1/bot/b1/leave_call/',
          'DELETE /api/v1/bot/b1/',
          'POST /api/v1/bot/b1/start_recording/',
          'POST /api/v1/bot/b1/stop_recording/',
          'GET /api/v1/recording/r1/',
          'POST /api/v1/recording/r1/create_transcript/',
          'GET /api/v1/transcript/t1/',
        ],
      );
      assert.deepEqual(JSON.parse(server.requests[5]?.body ?? ''), {
        provider: { recallai_async: { language_code: 'auto' } },
      });
    });
  });

  void describe('listing', () => {
    void it('sends filters and follows next, always on the configured origin', async () => {
      server.handle((req, res) => {
        const url = new URL(req.url, 'http://x');
        if (url.searchParams.get('page') === '2') {
          json(res, 200, { count: 3, next: null, previous: null, results: [bot('b3')] });
        } else {
          // A next URL naming another host must not receive the API key.
          json(res, 200, {
            count: 3,
            next: `https://elsewhere.example${url.pathname}?${url.searchParams.toString()}&page=2`,
            results: [bot('b1'), bot('b2')],
          });
        }
      });
      const bots = await client.listAllBots({
        metadata: { meetingWorkflowId: 'meeting/m1', roomKey: 'room 1' },
        status: ['in_call_recording', 'joining_call'],
        joinAtAfter: new Date('2026-03-01T00:00:00Z'),
      });
      assert.deepEqual(
        bots.map((b) => b.id),
        ['b1', 'b2', 'b3'],
      );
      assert.equal(server.requests.length, 2);
      const first = new URL(server.requests[0]?.url ?? '', 'http://x');
      assert.equal(first.pathname, '/api/v1/bot/');
      assert.equal(first.searchParams.get('metadata__meetingWorkflowId'), 'meeting/m1');
      assert.equal(first.searchParams.get('metadata__roomKey'), 'room 1');
      assert.deepEqual(first.searchParams.getAll('status'), ['in_call_recording', 'joining_call']);
      assert.equal(first.searchParams.get('join_at_after'), '2026-03-01T00:00:00.000Z');
      const second = new URL(server.requests[1]?.url ?? '', 'http://x');
      assert.equal(second.searchParams.get('page'), '2');
      assert.equal(second.searchParams.get('metadata__roomKey'), 'room 1');
    });

    void it('stops fetching when the consumer stops iterating', async () => {
      server.handle((_req, res) =>
        json(res, 200, { next: `${server.baseUrl}/api/v1/bot/?page=2`, results: [bot('b1'), bot('b2')] }),
      );
      for await (const found of client.listBots()) {
        assert.equal(found.id, 'b1');
        break;
      }
      assert.equal(server.requests.length, 1);
    });

    void it('fails instead of looping when next points back to a page already read', async () => {
      server.handle((req, res) => json(res, 200, { next: `${server.baseUrl}${req.url}`, results: [bot('b1')] }));
      await rejectsWith(client.listAllBots(), { code: 'invalid_response' });
    });
  });

  void describe('error mapping', () => {
    void it('reads {code, detail} bodies', async () => {
      server.handle((_req, res) =>
        json(res, 400, { code: 'cannot_command_completed_bot', detail: 'Bot has completed.' }),
      );
      const error = await rejectsWith(client.leaveCall('b1'), {
        status: 400,
        code: 'cannot_command_completed_bot',
        detail: 'Bot has completed.',
        method: 'POST',
        path: '/api/v1/bot/b1/leave_call/',
      });
      assert.equal(error.retryable, false);
    });

    void it('reads {detail} bodies with an http_<status> code', async () => {
      server.handle((_req, res) => json(res, 401, { detail: 'Invalid token.' }));
      await rejectsWith(client.retrieveBot('b1'), { status: 401, code: 'http_401', detail: 'Invalid token.' });
    });

    void it('surfaces DRF validation bodies and HTML pages as the detail', async () => {
      server.handle((_req, res) => json(res, 400, { meeting_url: ['Enter a valid URL.'] }));
      const validation = await rejectsWith(client.createBot({ meeting_url: 'x' }, { idempotencyKey: 'k' }), {
        code: 'http_400',
      });
      assert.match(validation.detail, /Enter a valid URL/);

      server.handle((_req, res) => {
        res.writeHead(403, { 'content-type': 'text/html' });
        res.end('<html><body>The request could not be satisfied</body></html>');
      });
      const waf = await rejectsWith(client.retrieveBot('b1'), { status: 403, code: 'http_403', retryable: false });
      assert.match(waf.detail, /could not be satisfied/);
    });

    void it('reads Retry-After as seconds or as an HTTP-date', async () => {
      server.handle((_req, res) => json(res, 429, { detail: 'Request was throttled.' }, { 'retry-after': '12' }));
      await rejectsWith(client.retrieveBot('b1'), { status: 429, retryAfterMs: 12_000, retryable: true });

      const inAMinute = new Date(Date.now() + 60_000).toUTCString();
      server.handle((_req, res) => json(res, 507, { detail: 'No bots available.' }, { 'retry-after': inAMinute }));
      const error = await rejectsWith(client.createBot({ meeting_url: 'x' }, { idempotencyKey: 'k' }), {
        status: 507,
        retryable: true,
      });
      assert.ok(error.retryAfterMs !== undefined && error.retryAfterMs > 0 && error.retryAfterMs <= 60_000);
    });

    void it('marks 5xx retryable even with an empty body', async () => {
      server.handle((_req, res) => res.writeHead(502).end());
      await rejectsWith(client.retrieveBot('b1'), {
        status: 502,
        code: 'http_502',
        detail: 'HTTP 502',
        retryable: true,
      });
    });

    void it('reports a 2xx body that is not JSON as invalid_response', async () => {
      server.handle((_req, res) => json(res, 200, '{"id": "b1", '));
      await rejectsWith(client.retrieveBot('b1'), { status: 200, code: 'invalid_response', retryable: false });
    });

    void it('reports a schema mismatch with the issue paths, not the body', async () => {
      server.handle((_req, res) =>
        json(res, 200, { id: 42, recordings: [{ id: 'r', status: { code: 7 } }], private_note: 'meeting secrets' }),
      );
      const error = await rejectsWith(client.retrieveBot('b1'), { code: 'invalid_response' });
      assert.match(error.detail, /\bid\b/);
      assert.match(error.detail, /recordings\.0\.status\.code/);
      assert.doesNotMatch(error.message, /meeting secrets/);
    });

    void it('times out with status 0 when no response arrives', async () => {
      const impatient = new RecallClient({ apiKey, baseUrl: server.baseUrl, timeoutMs: 50 });
      server.handle(() => undefined);
      try {
        await rejectsWith(impatient.retrieveBot('b1'), { status: 0, code: 'timeout', retryable: true });
      } finally {
        await impatient.close();
      }
    });

    void it('reports a refused connection as a retryable network error', async () => {
      const port = await unusedPort();
      const offline = new RecallClient({ apiKey, baseUrl: `http://127.0.0.1:${port}` });
      try {
        await rejectsWith(offline.retrieveBot('b1'), {
          status: 0,
          code: 'network_error',
          retryable: true,
          path: '/api/v1/bot/b1/',
        });
      } finally {
        await offline.close();
      }
    });

    void it("rejects with the caller's abort reason, not a RecallApiError", async () => {
      server.handle(() => undefined);
      const controller = new AbortController();
      const reason = new Error('activity cancelled');
      const pending = client.retrieveBot('b1', { signal: controller.signal });
      controller.abort(reason);
      await assert.rejects(pending, (error) => error === reason);
      await assert.rejects(
        client.retrieveBot('b1', { signal: AbortSignal.abort(reason) }),
        (error) => error === reason,
      );
    });
  });

  void describe('download', () => {
    const media = Buffer.alloc(64 * 1024, 7);

    async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }

    void it('streams a pre-signed URL without the API key', async () => {
      server.handle((_req, res) => {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(media.length) });
        res.end(media);
      });
      const download = await client.download(`${server.baseUrl}/media/v.mp4?X-Amz-Signature=sig`, {
        maxBytes: media.length,
      });
      assert.equal(download.contentLength, media.length);
      assert.deepEqual(await readAll(download.body), media);
      assert.equal(server.requests[0]?.headers.authorization, undefined);
      assert.equal(server.requests[0]?.url, '/media/v.mp4?X-Amz-Signature=sig');
    });

    void it('rejects at once when Content-Length exceeds the limit', async () => {
      server.handle((_req, res) => {
        res.writeHead(200, { 'content-length': String(media.length) });
        res.end(media);
      });
      await rejectsWith(client.download(`${server.baseUrl}/media/v.mp4`, { maxBytes: 1000 }), {
        code: 'too_large',
        retryable: false,
      });
    });

    void it('fails the stream once more than maxBytes arrived without a Content-Length', async () => {
      server.handle((_req, res) => {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        res.write(media.subarray(0, 1000));
        res.end(media.subarray(1000));
      });
      const download = await client.download(`${server.baseUrl}/media/v.mp4`, { maxBytes: 2000 });
      assert.equal(download.contentLength, undefined);
      await rejectsWith(readAll(download.body), { code: 'too_large' });
    });

    void it('maps a 403 to download_url_expired and never copies the storage error body', async () => {
      server.handle((_req, res) => {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<Error><Code>AccessDenied</Code><SignatureProvided>SIGVALUE123</SignatureProvided></Error>');
      });
      const url = `${server.baseUrl}/media/v.mp4?X-Amz-Signature=SIGVALUE123`;
      const error = await rejectsWith(client.download(url, { maxBytes: 10 }), {
        status: 403,
        code: 'download_url_expired',
        retryable: false,
        path: `${new URL(server.baseUrl).host}/media/v.mp4`,
      });
      assert.doesNotMatch(error.message, /SIGVALUE123|AccessDenied/);
    });

    void it('maps other failures by status', async () => {
      server.handle((_req, res) => res.writeHead(404).end());
      await rejectsWith(client.download(`${server.baseUrl}/media/gone.mp4`, { maxBytes: 10 }), {
        status: 404,
        retryable: false,
      });
      server.handle((_req, res) => res.writeHead(503, { 'retry-after': '3' }).end());
      await rejectsWith(client.download(`${server.baseUrl}/media/v.mp4`, { maxBytes: 10 }), {
        status: 503,
        retryable: true,
        retryAfterMs: 3000,
      });
    });

    void it('times out when the body stalls', async () => {
      const impatient = new RecallClient({ apiKey, baseUrl: server.baseUrl, timeoutMs: 50 });
      server.handle((_req, res) => {
        res.writeHead(200, { 'content-length': String(media.length) });
        res.write(media.subarray(0, 100));
      });
      try {
        const download = await impatient.download(`${server.baseUrl}/media/v.mp4`, { maxBytes: media.length });
        await rejectsWith(readAll(download.body), { status: 0, code: 'timeout' });
      } finally {
        await impatient.close();
      }
    });
  });
});
