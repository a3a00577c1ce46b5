/**
 * Who the codec server decodes for, over real HTTP: a caller with the bearer token, and the Web UI
 * in a browser on this host (an allowed Origin, no Authorization header, a loopback peer). A call
 * without the token from another origin, without an origin, or from another machine is refused.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { EncryptionCodec } from '../../src/codec';
import { buildCodecServer, isLoopbackAddress } from '../../src/codec/server';
import { ConfigError } from '../../src/config';

const UI_ORIGIN = 'http://localhost:8233';
const TOKEN = randomBytes(32).toString('hex');
const SECRET = `pwd=${randomBytes(9).toString('hex')}`;
const codec = new EncryptionCodec([{ id: 'k1', key: randomBytes(32) }]);
/** An address of this machine that is not loopback: a connection to it has a non-loopback peer. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

const server = buildCodecServer({
  codec,
  authToken: TOKEN,
  corsOrigins: [UI_ORIGIN],
  logger: pino({ level: 'silent' }),
});
let port: number;
let body: string;

before(async () => {
  // 0.0.0.0: reachable both over loopback and over the machine's own external address.
  await server.listen({ host: '0.0.0.0', port: 0 });
  port = (server.server.address() as { port: number }).port;
  const [encrypted] = await codec.encode([
    { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(`"${SECRET}"`) },
  ]);
  const b64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('base64');
  body = JSON.stringify({
    payloads: [
      {
        metadata: Object.fromEntries(Object.entries(encrypted!.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
        data: b64(encrypted!.data),
      },
    ],
  });
});
after(() => server.close());

async function decode(host: string, headers: Record<string, string>) {
  const response = await fetch(`http://${host}:${port}/decode?preserveStorageRefs=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, allowOrigin: response.headers.get('access-control-allow-origin'), text };
}

const decodedSecret = (text: string) =>
  (JSON.parse(text) as { payloads: { data: string }[] }).payloads.some((p) =>
    Buffer.from(p.data, 'base64').toString('utf8').includes(SECRET),
  );

test('with the bearer token, any caller gets the payloads decoded', async () => {
  const answer = await decode('127.0.0.1', { authorization: `Bearer ${TOKEN}` });
  assert.equal(answer.status, 200);
  assert.ok(decodedSecret(answer.text));
});

test('the Web UI on this host decodes without a token: its origin, over loopback', async () => {
  const answer = await decode('127.0.0.1', { origin: UI_ORIGIN });
  assert.equal(answer.status, 200);
  assert.equal(answer.allowOrigin, UI_ORIGIN);
  assert.ok(decodedSecret(answer.text));
});

test('without the token: no origin, another origin, or a wrong token next to the UI origin are refused', async () => {
  const refusedHeaders: Record<string, string>[] = [
    {},
    { origin: 'http://evil.example' },
    { origin: 'http://localhost:9999' },
    { origin: UI_ORIGIN, authorization: 'Bearer wrong' },
  ];
  for (const headers of refusedHeaders) {
    const answer = await decode('127.0.0.1', headers);
    assert.equal(answer.status, 401, JSON.stringify(headers));
    assert.ok(!answer.text.includes(SECRET));
  }
  const foreign = await decode('127.0.0.1', { origin: 'http://evil.example' });
  assert.equal(foreign.allowOrigin, null, 'no CORS answer for another origin');
});

test('a call without the token gets 401 before its body is read, however large it claims to be', async () => {
  // 64 MiB announced, 1 KiB sent: an answer at all means the server did not wait for the body.
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/decode',
        headers: { 'content-type': 'application/json', 'content-length': 64 * 1024 * 1024 },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', reject);
    req.write(`{"payloads":[{"data":"${'A'.repeat(1024)}`);
  });
  assert.equal(status, 401);
});

test(
  'from another machine the UI origin is not enough: the token is needed',
  { skip: external ? false : 'this machine has no non-loopback IPv4 address' },
  async () => {
    const refused = await decode(external!, { origin: UI_ORIGIN });
    assert.equal(refused.status, 401);
    assert.ok(!refused.text.includes(SECRET));
    const allowed = await decode(external!, { origin: UI_ORIGIN, authorization: `Bearer ${TOKEN}` });
    assert.equal(allowed.status, 200);
  },
);

test('a browser preflight is answered for the UI origin only', async () => {
  const preflight = (origin: string) =>
    fetch(`http://127.0.0.1:${port}/decode`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
  const ok = await preflight(UI_ORIGIN);
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-origin'), UI_ORIGIN);
  assert.match(ok.headers.get('access-control-allow-headers') ?? '', /x-namespace/);
  assert.equal((await preflight('http://evil.example')).status, 403);
});

test('CODEC_CORS_ORIGINS takes origins only: a wildcard, "null" or a path is refused', () => {
  for (const origin of ['*', 'null', 'http://localhost:8233/ui', 'localhost:8233', 'file:///tmp']) {
    assert.throws(
      () => buildCodecServer({ codec, authToken: TOKEN, corsOrigins: [origin], logger: pino({ level: 'silent' }) }),
      (e) => e instanceof ConfigError && e.message.startsWith('CODEC_CORS_ORIGINS'),
      origin,
    );
  }
});

test('loopback peers: 127.0.0.0/8 and ::1, also IPv4-mapped; nothing else', () => {
  for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopbackAddress(address));
  for (const address of ['192.0.2.2', '::ffff:10.0.0.1', 'fe80::1', '0.0.0.0', '::', undefined]) {
    assert.ok(!isLoopbackAddress(address), String(address));
  }
});
