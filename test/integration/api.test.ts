import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { MeetingWorkflow } from '../../src/client';
import { buildWebhookServer, lazyTemporalClient, type WebhookServer } from '../../src/webhooks';
import { FAST_POLICY } from '../../src/devstack/fast-policy';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: Stack;
let server: WebhookServer;
let baseUrl: string;
const apiToken = randomBytes(24).toString('hex');
const registry = new Registry();

before(async () => {
  stack = await startStack();
  server = buildWebhookServer({
    webhookSecret: stack.webhookSecret,
    client: stack.temporal.client,
    logger: pino({ level: 'silent' }),
    registry,
    api: { apiToken, taskQueue: stack.taskQueue },
  });
  baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await server?.close();
  await stack?.close();
});

async function api(method: string, path: string, body?: unknown, token: string | null = apiToken) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const uniqueKey = (name: string) => `${name}-${randomBytes(3).toString('hex')}`;

test('401 without a token or with a wrong one; nothing is started', async () => {
  const key = uniqueKey('unauth');
  const input = { meetingKey: key, meetingUrl: 'https://us02web.zoom.us/j/81234567890', roomCount: 1 };
  assert.equal((await api('POST', '/meetings', input, null)).status, 401);
  assert.equal((await api('POST', '/meetings', input, `${apiToken}x`)).status, 401);
  assert.equal((await api('POST', '/meetings', input, 'short')).status, 401);
  assert.equal((await api('GET', `/meetings/${key}`, undefined, null)).status, 401);
  assert.equal((await api('GET', `/meetings/${key}`)).status, 404, 'the meeting was never started');
});

test('the Bearer scheme is case-insensitive', async () => {
  for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
    const response = await fetch(`${baseUrl}/meetings/${uniqueKey('absent')}`, {
      headers: { authorization: `${scheme} ${apiToken}` },
    });
    assert.equal(response.status, 404, scheme);
  }
});

test(
  'an unauthenticated request gets 401 before its body is read, however large it claims to be',
  { timeout: 30_000 },
  async () => {
    // 64 MiB announced, 1 KiB sent: an answer at all means the server did not wait for the body.
    const { port } = new URL(baseUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/meetings',
          headers: { 'content-type': 'application/json', 'content-length': 64 * 1024 * 1024 },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', reject);
      req.write(`{"padding":"${'x'.repeat(1024)}`);
    });
    assert.equal(status, 401);
  },
);

test('a free-text reason is bounded', async () => {
  const response = await api('POST', `/meetings/${uniqueKey('any')}/end`, { reason: 'x'.repeat(501) });
  assert.equal(response.status, 400);
  assert.equal(response.body.field, 'reason');
});

test('a 5xx answer carries no internal message', async () => {
  const namespace = `no-such-namespace-${randomBytes(3).toString('hex')}`;
  const client = lazyTemporalClient({ address: stack.temporal.address, namespace });
  const broken = buildWebhookServer({
    webhookSecret: stack.webhookSecret,
    client,
    logger: pino({ level: 'silent' }),
    api: { apiToken, taskQueue: stack.taskQueue },
  });
  try {
    const url = await broken.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${url}/meetings/${uniqueKey('any')}`, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    const text = await response.text();
    assert.equal(response.status, 500);
    assert.equal(text.includes(namespace), false, `the answer names internals: ${text}`);
    assert.deepEqual(JSON.parse(text), { error: 'InternalError', message: 'internal error; see the server log' });
  } finally {
    await broken.close();
    await client.connection.close();
  }
});

test('400 names the bad field', async () => {
  const url = 'https://us02web.zoom.us/j/81234567890';
  const cases: [unknown, string][] = [
    [{ meetingUrl: url, roomCount: 1 }, 'meetingKey'],
    [{ meetingKey: 'has/slash', meetingUrl: url, roomCount: 1 }, 'meetingKey'],
    [{ meetingKey: uniqueKey('bad'), meetingUrl: 'https://meet.google.com/abc-defg-hij', roomCount: 1 }, 'meetingUrl'],
    [{ meetingKey: uniqueKey('bad'), meetingUrl: url, rooms: [{ key: '../etc' }] }, 'rooms[0].key'],
    [
      { meetingKey: uniqueKey('bad'), meetingUrl: url, roomCount: 1, policy: { maxBotsPerRoom: 0 } },
      'policy.maxBotsPerRoom',
    ],
  ];
  for (const [body, field] of cases) {
    const response = await api('POST', '/meetings', body);
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.equal(response.body.error, 'InvalidInput');
    assert.equal(response.body.field, field);
    assert.equal(typeof response.body.message, 'string');
  }
  const malformed = await fetch(`${baseUrl}/meetings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    body: '{"meetingKey":',
  });
  assert.equal(malformed.status, 400);
  assert.equal(((await malformed.json()) as { field?: string }).field, 'body');
});

test('404 for an unknown meeting on every route', async () => {
  const key = uniqueKey('unknown');
  assert.equal((await api('GET', `/meetings/${key}`)).body.error, 'MeetingNotFound');
  assert.equal((await api('POST', `/meetings/${key}/end`, {})).status, 404);
  assert.equal((await api('POST', `/meetings/${key}/rooms`, { key: 'extra' })).status, 404);
  assert.equal((await api('POST', `/meetings/${key}/rooms/room-1/close`, {})).status, 404);
});

test('start is idempotent on the key; status, add room (409 duplicate, 400 bad), close, end', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 3600, breakoutRooms: [roomSpec(1), roomSpec(2)] });
  const meetingKey = uniqueKey('api');
  const input = { meetingKey, meetingUrl: meeting.url, roomCount: 1, title: 'API workshop', policy: FAST_POLICY };

  const first = await api('POST', '/meetings', input);
  assert.equal(first.status, 201);
  assert.equal(first.body.workflowId, `meeting/${meetingKey}`);
  const second = await api('POST', '/meetings', input);
  assert.equal(second.status, 200);
  assert.deepEqual(second.body, { ...first.body, created: false });

  const added = await api('POST', `/meetings/${meetingKey}/rooms`, { key: 'extra', name: 'Room 2' });
  assert.equal(added.status, 201);
  assert.equal(added.body.workflowId, `meeting/${meetingKey}/room/extra`);
  const duplicate = await api('POST', `/meetings/${meetingKey}/rooms`, { key: 'extra' });
  assert.equal(duplicate.status, 409);
  assert.equal(duplicate.body.error, 'DuplicateRoom');
  const bad = await api('POST', `/meetings/${meetingKey}/rooms`, { key: 'x', colour: 'red' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'room');
  assert.match(String(bad.body.message), /colour/);

  const recording = await waitFor('both rooms to record', async () => {
    const status = await api('GET', `/meetings/${meetingKey}`);
    const rooms = status.body.rooms as { key: string; status: { state: string } | null }[];
    return rooms.length === 2 && rooms.every((r) => r.status?.state === 'recording') && status.body;
  });
  assert.equal(recording.title, 'API workshop');
  assert.equal(recording.execution, 'RUNNING');

  assert.equal((await api('POST', `/meetings/${meetingKey}/rooms/extra/close`, { reason: 'room done' })).status, 202);
  assert.equal((await api('POST', `/meetings/${meetingKey}/end`, { reason: 'workshop over' })).status, 202);
  const result = await stack.temporal.client.workflow.getHandle<MeetingWorkflow>(`meeting/${meetingKey}`).result();
  const reasons = Object.fromEntries(result.rooms.map((r) => [r.key, [r.outcome, r.reason]]));
  assert.equal(reasons['room-1']?.[0], 'recorded');
  assert.match(String(reasons['room-1']?.[1]), /workshop over/);
  assert.equal(reasons.extra?.[0], 'recorded');
  assert.match(String(reasons.extra?.[1]), /room done/);

  const done = await api('GET', `/meetings/${meetingKey}`);
  assert.equal(done.body.state, 'done');
  assert.equal(done.body.execution, 'COMPLETED');
  const again = await api('POST', '/meetings', input);
  assert.equal(again.status, 200, 'a closed meeting is not started again');
  assert.equal(again.body.runId, first.body.runId);
  meeting.end();
});

test('requests are counted by route pattern and status', async () => {
  const metrics = await registry.metrics();
  assert.match(metrics, /breakout_api_requests_total\{route="\/meetings",status="201"\} [1-9]/);
  assert.match(metrics, /breakout_api_requests_total\{route="\/meetings\/:key",status="404"\} [1-9]/);
  assert.match(metrics, /breakout_api_requests_total\{route="\/meetings",status="401"\} [1-9]/);
});
