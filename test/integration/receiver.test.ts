/**
 * The webhook receiver against a real Temporal dev server, over real HTTP. Deliveries are signed
 * here with node:crypto, independently of the receiver's verifier, the way Recall (Svix) signs them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { Registry } from 'prom-client';
import type { RecallEvent } from '../../src/contracts';
import { createLogger } from '../../src/logger';
import { buildOpsServer, buildWebhookServer, type WebhookServer } from '../../src/webhooks/server';
import { lazyTemporalClient } from '../../src/webhooks/temporal-client';
import { leaveSignal } from '../../src/contracts/messages';
import { connectToTestServer, uniqueTaskQueue, type TemporalTestContext } from '../support/temporal';
import { eventsQuery } from './receiver-fixtures/signal-sink';
import { waitFor } from '../support/wait';

const SECRET = `whsec_${Buffer.from('receiver-test-secret-0123456789').toString('base64')}`;
const SECRET_KEY_PART = SECRET.slice('whsec_'.length);
const BODY_LIMIT = 16 * 1024;

interface Delivery {
  id?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  body: string;
  /** Header family: `webhook-*` (workspace secret) or legacy `svix-*`. */
  family?: 'webhook' | 'svix';
  /** Body bytes sent, when they differ from the signed body. */
  sentBody?: string;
  signature?: string;
  omitHeaders?: boolean;
}

function sign(id: string, timestamp: number, body: string, secret = SECRET): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

function botEvent(workflowId: string | undefined, event = 'bot.in_call_recording', botId = 'bot-1'): string {
  const code = event.slice('bot.'.length);
  return JSON.stringify({
    event,
    data: {
      data: { code, sub_code: null, updated_at: '2025-06-01T10:00:00.000Z' },
      bot: { id: botId, metadata: workflowId === undefined ? {} : { workflowId, roomKey: 'room-1', attempt: '1' } },
    },
  });
}

async function post(baseUrl: string, delivery: Delivery): Promise<{ status: number; body: string; id: string }> {
  const id = delivery.id ?? `msg_${randomUUID()}`;
  const timestamp = delivery.timestamp ?? Math.floor(Date.now() / 1000);
  const family = delivery.family ?? 'webhook';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!delivery.omitHeaders) {
    headers[`${family}-id`] = id;
    headers[`${family}-timestamp`] = String(timestamp);
    headers[`${family}-signature`] = delivery.signature ?? sign(id, timestamp, delivery.body);
  }
  const response = await request(`${baseUrl}/webhooks/recall`, {
    method: 'POST',
    headers,
    body: delivery.sentBody ?? delivery.body,
  });
  return { status: response.statusCode, body: await response.body.text(), id };
}

async function get(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  const response = await request(`${baseUrl}${path}`);
  return { status: response.statusCode, body: await response.body.text() };
}

/**
 * A TCP relay to the dev server that starts down and comes back: Temporal "coming back" on an
 * address the receiver already uses. It holds its port all along (while down it resets every
 * connection), so no other process can take the port in between.
 */
async function startRelay(target: string): Promise<{ port: number; up(): void; close(): Promise<void> }> {
  const [host, targetPort] = target.split(':');
  const sockets = new Set<Socket>();
  let forwarding = false;
  const relay: Server = createServer((inbound) => {
    if (!forwarding) {
      inbound.resetAndDestroy();
      return;
    }
    const outbound = connect(Number(targetPort), host === 'localhost' ? '127.0.0.1' : host);
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    up() {
      forwarding = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}

// The workers' own lifecycle lines would drown the test report.
Runtime.install({ logger: new DefaultLogger('WARN') });

void describe('webhook receiver', () => {
  let temporal: TemporalTestContext;
  let taskQueue: string;
  let worker: Worker;
  let workerRun: Promise<void>;
  let server: WebhookServer;
  let ops: ReturnType<typeof buildOpsServer>;
  let baseUrl: string;
  let opsUrl: string;
  const logLines: string[] = [];

  before(async () => {
    temporal = await connectToTestServer();
    taskQueue = uniqueTaskQueue('receiver');
    worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('./receiver-fixtures/signal-sink'),
    });
    workerRun = worker.run();
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const registry = new Registry();
    const logger = createLogger({ level: 'debug', name: 'receiver-test' }, logStream);
    server = buildWebhookServer({
      webhookSecret: SECRET,
      client: temporal.client,
      logger,
      registry,
      bodyLimitBytes: BODY_LIMIT,
    });
    baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
    ops = buildOpsServer({ client: temporal.client, logger, registry });
    opsUrl = await ops.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await server?.close();
    await ops?.close();
    worker?.shutdown();
    await workerRun;
    await temporal?.close();
  });

  /** A room-shaped ID, as the receiver signals nothing else. */
  async function startSink(): Promise<string> {
    const workflowId = `meeting/receiver-test-${randomUUID()}/room/room-1`;
    await temporal.client.workflow.start('signalSink', { taskQueue, workflowId });
    return workflowId;
  }

  /** Ends the sink and returns every recallEvent it received, in order: nothing can still be in flight. */
  async function eventsOf(workflowId: string): Promise<RecallEvent[]> {
    const handle = temporal.client.workflow.getHandle(workflowId);
    await handle.signal(leaveSignal, {});
    return (await handle.result()) as RecallEvent[];
  }

  void it('signals a valid delivery to the workflow named in the bot metadata, then answers 200', async () => {
    const workflowId = await startSink();
    const response = await post(baseUrl, { body: botEvent(workflowId) });
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body), { status: 'signalled' });
    // Accepted means in history already: a query sees it before the workflow is told to end.
    const seen = await temporal.client.workflow.getHandle(workflowId).query(eventsQuery);
    assert.equal(seen.length, 1);
    assert.deepEqual(await eventsOf(workflowId), [
      {
        eventId: response.id,
        event: 'bot.in_call_recording',
        botId: 'bot-1',
        code: 'in_call_recording',
        subCode: null,
        at: '2025-06-01T10:00:00.000Z',
        source: 'webhook',
      },
    ]);
  });

  void it('signals a webhook-id once: redeliveries, sequential or concurrent, are acknowledged without a signal', async () => {
    // Every signal is a history event, duplicates included: Svix retries and replays must not grow a room.
    const workflowId = await startSink();
    const delivery = { id: `msg_${randomUUID()}`, body: botEvent(workflowId) };
    const answers = [await post(baseUrl, delivery), await post(baseUrl, delivery), await post(baseUrl, delivery)];
    assert.deepEqual(
      answers.map((a) => [a.status, JSON.parse(a.body) as unknown]),
      [
        [200, { status: 'signalled' }],
        [200, { status: 'ignored', reason: 'already_signalled' }],
        [200, { status: 'ignored', reason: 'already_signalled' }],
      ],
    );
    const concurrent = { id: `msg_${randomUUID()}`, body: botEvent(workflowId, 'bot.call_ended') };
    const statuses = await Promise.all([1, 2, 3].map(() => post(baseUrl, concurrent)));
    assert.deepEqual(
      statuses.map((a) => a.status),
      [200, 200, 200],
    );
    const events = await eventsOf(workflowId);
    assert.deepEqual(
      events.map((e) => e.eventId),
      [delivery.id, concurrent.id],
    );
    const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
    const signals = (history.events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'recallEvent',
    );
    assert.equal(signals.length, 2, 'one recallEvent signal in the history per webhook-id');
  });

  void it('never signals a workflow ID that is not a room of this project, whatever the bot metadata says', async () => {
    const workflowId = await startSink();
    const meetingId = workflowId.slice(0, workflowId.indexOf('/room/'));
    const forged = [
      // An arbitrary workflow, e.g. another service's, named in metadata.
      JSON.stringify({
        event: 'bot.done',
        data: { data: { code: 'done' }, bot: { id: 'bot-9', metadata: { workflowId: meetingId } } },
      }),
      // Room-shaped, but disagreeing with the room key the same metadata names.
      JSON.stringify({
        event: 'bot.done',
        data: { data: { code: 'done' }, bot: { id: 'bot-9', metadata: { workflowId, roomKey: 'room-2' } } },
      }),
      JSON.stringify({
        event: 'bot.done',
        data: {
          data: { code: 'done' },
          bot: { id: 'bot-9', metadata: { workflowId, meetingWorkflowId: 'meeting/other', roomKey: 'room-1' } },
        },
      }),
    ];
    const meeting = await temporal.client.workflow.start('signalSink', { taskQueue, workflowId: meetingId });
    for (const body of forged) {
      const response = await post(baseUrl, { body });
      assert.equal(response.status, 200);
      assert.deepEqual(JSON.parse(response.body), { status: 'ignored', reason: 'not_a_room_workflow_id' });
    }
    assert.deepEqual(await eventsOf(workflowId), []);
    assert.deepEqual(await eventsOf(meeting.workflowId), []);
    assert.ok(logLines.some((line) => line.includes('not a room of this project')));
  });

  void it('accepts legacy svix-* headers', async () => {
    const workflowId = await startSink();
    const response = await post(baseUrl, { body: botEvent(workflowId, 'bot.in_waiting_room'), family: 'svix' });
    assert.equal(response.status, 200);
    const events = await eventsOf(workflowId);
    assert.deepEqual(
      events.map((event) => [event.eventId, event.code]),
      [[response.id, 'in_waiting_room']],
    );
  });

  void it('acknowledges events no room acts on without signalling them, keeping room histories short', async () => {
    const workflowId = await startSink();
    for (const event of [
      'video_mixed.done',
      'recording.processing',
      'transcript.processing',
      'bot.breakout_room_opened',
      'bot.joining_call',
    ]) {
      const response = await post(baseUrl, { body: botEvent(workflowId, event) });
      assert.equal(response.status, 200, event);
      assert.deepEqual(JSON.parse(response.body), { status: 'ignored', reason: 'not_needed' });
    }
    const wanted = await post(baseUrl, { body: botEvent(workflowId, 'bot.breakout_room_entered') });
    assert.deepEqual(JSON.parse(wanted.body), { status: 'signalled' });
    assert.deepEqual(
      (await eventsOf(workflowId)).map((e) => e.event),
      ['bot.breakout_room_entered'],
    );
  });

  void it('answers 401 and signals nothing for bad signatures, tampered bodies, stale timestamps and missing headers', async () => {
    const workflowId = await startSink();
    const body = botEvent(workflowId);
    const now = Math.floor(Date.now() / 1000);
    const rejected: Delivery[] = [
      { body, signature: sign('msg_x', now, body, `whsec_${Buffer.from('another-secret').toString('base64')}`) },
      { body, sentBody: body.replace('in_call_recording', 'call_ended') },
      { body, timestamp: now - 6 * 60 },
      { body, timestamp: now + 6 * 60 },
      { body, omitHeaders: true },
    ];
    for (const delivery of rejected) {
      const response = await post(baseUrl, delivery);
      assert.equal(response.status, 401, JSON.stringify({ ...delivery, body: undefined, sentBody: undefined }));
    }
    assert.deepEqual(await eventsOf(workflowId), []);
  });

  void it('answers 400 to a verified body that is not JSON or not a Recall event', async () => {
    assert.equal((await post(baseUrl, { body: '{"event": "bot.done", ' })).status, 400);
    assert.equal((await post(baseUrl, { body: '{"hello": "world"}' })).status, 400);
  });

  void it('answers 413 to a body over the limit', async () => {
    const body = JSON.stringify({ event: 'bot.done', data: { padding: 'x'.repeat(BODY_LIMIT) } });
    assert.equal((await post(baseUrl, { body })).status, 413);
  });

  void it('answers 2xx for bots of unknown or closed workflows, and bots without a workflowId', async () => {
    const unknown = await post(baseUrl, { body: botEvent(`meeting/never-started-${randomUUID()}/room/room-1`) });
    assert.equal(unknown.status, 200);
    assert.deepEqual(JSON.parse(unknown.body), { status: 'ignored', reason: 'workflow_not_found' });

    const closedId = await startSink();
    await eventsOf(closedId);
    const closed = await post(baseUrl, { body: botEvent(closedId, 'bot.done') });
    assert.equal(closed.status, 200);
    assert.deepEqual(JSON.parse(closed.body), { status: 'ignored', reason: 'workflow_not_found' });

    const unrouted = await post(baseUrl, { body: botEvent(undefined) });
    assert.equal(unrouted.status, 200);
    assert.deepEqual(JSON.parse(unrouted.body), { status: 'ignored', reason: 'no_workflow_id' });
  });

  void it('answers /healthz publicly, and /readyz only on the ops listener while Temporal is up', async () => {
    assert.equal((await get(baseUrl, '/healthz')).status, 200);
    assert.equal((await get(baseUrl, '/readyz')).status, 404);
    assert.equal((await get(opsUrl, '/readyz')).status, 200);
  });

  void it('exposes its counters, histogram and the default Node metrics on the ops listener only', async () => {
    assert.equal((await get(baseUrl, '/metrics')).status, 404);
    const { status, body } = await get(opsUrl, '/metrics');
    assert.equal(status, 200);
    assert.match(body, /^breakout_webhooks_received_total\{event="bot.in_call_recording"\} [1-9]/m);
    assert.match(body, /^breakout_webhooks_rejected_total\{reason="bad_signature"\} [1-9]/m);
    assert.match(body, /^breakout_webhooks_rejected_total\{reason="stale_timestamp"\} [1-9]/m);
    assert.match(body, /^breakout_webhooks_rejected_total\{reason="too_large"\} [1-9]/m);
    assert.match(body, /^breakout_webhooks_ignored_total\{reason="workflow_not_found"\} [1-9]/m);
    assert.match(body, /^breakout_webhooks_ignored_total\{reason="already_signalled"\} [1-9]/m);
    assert.match(body, /^breakout_webhooks_signalled_total [1-9]/m);
    assert.match(body, /^breakout_webhook_signal_seconds_count\{outcome="ok"\} [1-9]/m);
    assert.match(body, /^process_cpu_user_seconds_total /m);
  });

  void it('never logs the webhook secret or a signature', () => {
    assert.ok(logLines.length > 0, 'the receiver logged something');
    const logs = logLines.join('');
    assert.ok(!logs.includes(SECRET_KEY_PART), 'the secret leaked into the logs');
    assert.ok(!/v1,[A-Za-z0-9+/=]{40,}/.test(logs), 'a signature leaked into the logs');
    assert.ok(!/"(webhook|svix)-signature"/.test(logs), 'signature headers were logged');
  });
});

void describe('webhook receiver while Temporal is unreachable', () => {
  let temporal: TemporalTestContext;
  let worker: Worker;
  let workerRun: Promise<void>;
  let taskQueue: string;
  let server: WebhookServer;
  let ops: ReturnType<typeof buildOpsServer>;
  let baseUrl: string;
  let opsUrl: string;
  let relay: Awaited<ReturnType<typeof startRelay>>;

  before(async () => {
    temporal = await connectToTestServer();
    taskQueue = uniqueTaskQueue('receiver-down');
    worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: require.resolve('./receiver-fixtures/signal-sink'),
    });
    workerRun = worker.run();
    relay = await startRelay(temporal.address);
    const client = lazyTemporalClient({ address: `127.0.0.1:${relay.port}`, namespace: temporal.namespace });
    const registry = new Registry();
    server = buildWebhookServer({
      webhookSecret: SECRET,
      client,
      logger: createLogger({ level: 'silent' }),
      registry,
      signalTimeoutMs: 1_000,
    });
    baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
    ops = buildOpsServer({ client, logger: createLogger({ level: 'silent' }), registry, readyTimeoutMs: 1_000 });
    opsUrl = await ops.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await server?.close();
    await ops?.close();
    await relay?.close();
    worker?.shutdown();
    await workerRun;
    await temporal?.close();
  });

  void it('starts, stays alive, is not ready, and answers 503 so that Recall redelivers', async () => {
    assert.equal((await get(baseUrl, '/healthz')).status, 200);
    assert.equal((await get(opsUrl, '/readyz')).status, 503);
    const response = await post(baseUrl, { body: botEvent('meeting/anything/room/room-1') });
    assert.equal(response.status, 503);
  });

  void it('recovers once Temporal is reachable, and the redelivery lands', async () => {
    const workflowId = `meeting/receiver-test-${randomUUID()}/room/room-1`;
    await temporal.client.workflow.start('signalSink', { taskQueue, workflowId });
    const id = `msg_${randomUUID()}`;
    const body = botEvent(workflowId);
    assert.equal((await post(baseUrl, { id, body })).status, 503);

    relay.up();
    // Redeliver as Recall would (same id, fresh timestamp) until the receiver's reconnect succeeds:
    // gRPC retries the connection after a backoff of up to 2 s (src/webhooks/temporal-client.ts),
    // so back-to-back redeliveries can all come before it.
    await waitFor('a redelivery accepted once Temporal is reachable', async () => {
      const { status } = await post(baseUrl, { id, body });
      assert.ok(status === 200 || status === 503, `status ${status}`);
      return status === 200;
    });
    assert.equal((await get(opsUrl, '/readyz')).status, 200);

    const handle = temporal.client.workflow.getHandle(workflowId);
    await handle.signal(leaveSignal, {});
    const events = (await handle.result()) as RecallEvent[];
    // A 503'd attempt may still have landed late (see withTimeout): at least once, always this id.
    assert.ok(events.length >= 1);
    assert.ok(events.every((event) => event.eventId === id));
  });
});

void describe('webhook receiver with a wrong TEMPORAL_NAMESPACE', () => {
  let temporal: TemporalTestContext;
  let server: WebhookServer;
  let baseUrl: string;
  const logLines: string[] = [];

  before(async () => {
    temporal = await connectToTestServer();
    server = buildWebhookServer({
      webhookSecret: SECRET,
      client: lazyTemporalClient({ address: temporal.address, namespace: `no-such-namespace-${randomUUID()}` }),
      logger: createLogger(
        { level: 'info' },
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            logLines.push(chunk.toString('utf8'));
            done();
          },
        }),
      ),
    });
    baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await server?.close();
    await temporal?.close();
  });

  void it('answers 503 with a log line, never a silent 200 workflow_not_found', async () => {
    const response = await post(baseUrl, { body: botEvent('meeting/m/room/room-1') });
    assert.equal(response.status, 503);
    assert.deepEqual(JSON.parse(response.body), { error: 'namespace_not_found' });
    assert.ok(logLines.some((line) => line.includes('check TEMPORAL_NAMESPACE')));
  });
});
