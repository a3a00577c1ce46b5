/**
 * After the meeting, on the real dev server: signed ready callbacks (and an operator's replay),
 * then a verified deletion that leaves nothing at the emulated Recall or in the store, with its receipt.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import {
  deleteMeeting,
  followUpResult,
  replayNotification,
  type NotifyDeliveryView,
  type StartedFollowUp,
} from '../../src/client';
import type { MeetingResult } from '../../src/contracts';
import { deletionStatusQuery, type DeletionReceipt } from '../../src/contracts/deletion';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import { RecallClient } from '../../src/recall';
import { buildWebhookServer, type WebhookServer } from '../../src/webhooks';
import { roomSpec, startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';
import { deletionWorkflow } from '../../workflows';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const BIN = join(__dirname, '..', '..', 'bin', 'breakout.js');
const apiToken = randomBytes(24).toString('hex');

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: {
    type: string;
    timestamp: string;
    data: { meetingWorkflowId: string; roomKey?: string; manifestUri: string; result: unknown };
  };
}

let stack: Stack;
let server: Server;
let apiServer: WebhookServer;
let apiUrl: string;
let notifyUrl: string;
const received: Received[] = [];
const meetingKey = `follow-ups-${randomBytes(3).toString('hex')}`;
let result: MeetingResult;
let workflowId: string;

before(async () => {
  stack = await startStack({ notifySecrets: { default: SECRET } });
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Received['body'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  notifyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ready?token=abc`;
  apiServer = buildWebhookServer({
    webhookSecret: stack.webhookSecret,
    client: stack.temporal.client,
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    api: { apiToken, taskQueue: stack.taskQueue },
  });
  apiUrl = await apiServer.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await apiServer?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stack?.close();
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The real CLI in a child process (asynchronous: this process's workers keep working). */
function breakout(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: stack.temporal.address,
          TEMPORAL_NAMESPACE: stack.temporal.namespace,
          TEMPORAL_TASK_QUEUE: stack.taskQueue,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Throws unless the request carries a valid Standard Webhooks signature made with the secret. */
function verify(r: Received): void {
  new Webhook(SECRET).verify(r.raw, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });
}

test('the meeting and each room send a signed ready callback; an operator replays the meeting one once', async () => {
  const meeting = stack.emulator.createMeeting({ durationSeconds: 120, breakoutRooms: [1, 2].map((n) => roomSpec(n)) });
  const handle = await stack.startMeeting(
    { meetingUrl: meeting.url, roomCount: 2, notify: { url: notifyUrl, rooms: true }, retentionDays: 1 },
    meetingKey,
  );
  workflowId = handle.workflowId;
  result = await handle.result();
  assert.deepEqual(result.counts, { recorded: 2, partial: 0, failed: 0, cancelled: 0 });

  await waitFor('three callbacks', () => received.length >= 3 || undefined, 60_000);
  for (const r of received) verify(r);
  assert.throws(
    () =>
      new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(received[0]!.raw, {
        'webhook-id': String(received[0]!.headers['webhook-id']),
        'webhook-timestamp': String(received[0]!.headers['webhook-timestamp']),
        'webhook-signature': String(received[0]!.headers['webhook-signature']),
      }),
    'another secret does not verify',
  );
  const events = received.map((r) => `${r.body.type}${r.body.data.roomKey ? `:${r.body.data.roomKey}` : ''}`).sort();
  assert.deepEqual(events, ['meeting.completed', 'room.completed:room-1', 'room.completed:room-2']);
  const completed = received.find((r) => r.body.type === 'meeting.completed')!;
  assert.equal(completed.body.data.manifestUri, result.manifestUri);
  assert.deepEqual(completed.body.data.result, result);
  for (const room of received.filter((r) => r.body.type === 'room.completed')) {
    const expected = result.rooms.find((r) => r.key === room.body.data.roomKey);
    assert.deepEqual((room.body.data.result as { outcome: string }).outcome, expected?.outcome);
  }

  const replay = await replayNotification(stack.temporal.client, meetingKey, { taskQueue: stack.taskQueue });
  const delivery = await followUpResult<NotifyDeliveryView>(stack.temporal.client, replay);
  assert.deepEqual([delivery.event, delivery.status], ['meeting.completed', 204]);
  assert.equal(delivery.url, notifyUrl.replace(/\?.*$/, ''), 'the query string (a token) stays out of results');
  await waitFor('the replay', () => received.length >= 4 || undefined);
  assert.equal(received.length, 4, 'one more delivery, no more');
  const again = received[3]!;
  verify(again);
  assert.equal(again.body.type, 'meeting.completed');
  assert.equal(again.headers['webhook-id'], completed.headers['webhook-id'], 'a replay keeps the webhook-id');
  assert.deepEqual(again.body.data, completed.body.data);
});

test('the CLI and the HTTP API replay too, each once', async () => {
  const run = await breakout(['notify', 'replay', meetingKey, '--room', 'room-2', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const cli = JSON.parse(run.stdout) as { delivery: NotifyDeliveryView };
  assert.deepEqual([cli.delivery.event, cli.delivery.status], ['room.completed', 204]);
  await waitFor('the CLI replay', () => received.length >= 5 || undefined);
  assert.equal(received[4]!.body.data.roomKey, 'room-2');
  verify(received[4]!);

  const replay = await api('POST', `/meetings/${meetingKey}/notify/replay`, {});
  assert.equal(replay.status, 202);
  await waitFor('the API replay', () => received.length >= 6 || undefined);
  assert.equal(received.length, 6);
  assert.equal(received[5]!.body.type, 'meeting.completed');
  verify(received[5]!);
  assert.equal((await api('POST', '/meetings/never-started/notify/replay', {})).status, 404);
});

test('deleting the meeting leaves nothing at Recall or in the store, and returns the stored receipt', async () => {
  const client = stack.temporal.client;
  // The meeting started its retention deletion, waiting out its day.
  const pending = await client.workflow.getHandle(`${workflowId}/deletion`).describe();
  assert.equal(pending.status.name, 'RUNNING');
  const waiting = await api('GET', `/meetings/${meetingKey}/deletion`);
  assert.equal(waiting.body.state, 'waiting');
  assert.ok(Date.parse(String(waiting.body.dueAt)) > Date.now() + 23 * 3600_000, 'due a day after the meeting');

  const recall = new RecallClient({ apiKey: stack.apiKey, baseUrl: stack.emulator.baseUrl });
  const botIds = stack.emulator.audit
    .bots()
    .filter((b) => b.metadata.meetingWorkflowId === workflowId)
    .map((b) => b.id);
  assert.equal(botIds.length, 2);
  const mediaUrls: string[] = [];
  for (const id of botIds) {
    const bot = await recall.retrieveBot(id);
    for (const r of bot.recordings) {
      const url = r.media_shortcuts?.video_mixed?.data?.download_url;
      if (url) mediaUrls.push(url);
    }
  }
  assert.ok(mediaUrls.length >= 2);
  for (const url of mediaUrls) assert.equal((await request(url)).statusCode, 200);

  const run = await breakout(['delete', meetingKey, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const receipt = JSON.parse(run.stdout) as DeletionReceipt;
  const deleted = await api('GET', `/meetings/${meetingKey}/deletion`);
  assert.deepEqual([deleted.body.state, deleted.body.receipt], ['deleted', receipt]);

  assert.equal(receipt.reason, 'operator');
  assert.deepEqual(receipt.recall.bots.map((b) => b.botId).sort(), [...botIds].sort());
  for (const bot of receipt.recall.bots) {
    assert.equal(bot.status, 200);
    assert.ok(bot.recordings.length > 0 && bot.recordings.every((r) => r.status === 'deleted'));
  }
  for (const url of mediaUrls) {
    const res = await request(url);
    await res.body.dump();
    assert.equal(res.statusCode, 404, 'media URLs issued before the deletion answer 404');
  }
  for (const id of botIds) {
    assert.ok(stack.emulator.audit.bot(id)?.recordings.every((r) => r.deletedAt !== undefined));
    const bot = await recall.retrieveBot(id);
    assert.ok(bot.recordings.every((r) => r.status.code === 'deleted'));
  }
  await recall.close();

  const stored = [result.manifestUri, ...result.rooms.flatMap((r) => r.artifacts.map((a) => a.uri))];
  for (const uri of stored) {
    assert.ok(receipt.store.deleted.includes(uri), `the receipt lists ${uri}`);
    await assert.rejects(stat(fileURLToPath(uri)), { code: 'ENOENT' });
  }
  assert.deepEqual(await readdir(stack.artifactsDir), ['_receipts'], 'nothing of the meeting is left in the store');
  assert.ok(fileURLToPath(receipt.receiptUri).startsWith(join(stack.artifactsDir, '_receipts')));
  assert.deepEqual(JSON.parse(await readFile(fileURLToPath(receipt.receiptUri), 'utf8')), receipt);

  // Again, through the API and the helpers: a deletion that finds nothing left says so.
  const again = await api('DELETE', `/meetings/${meetingKey}`);
  assert.deepEqual([again.status, again.body.workflowId], [202, `${workflowId}/deletion`]);
  const second = await followUpResult<DeletionReceipt>(client, again.body as unknown as StartedFollowUp);
  const third = await deleteMeeting(client, meetingKey, { taskQueue: stack.taskQueue });
  assert.equal(third.workflowId, `${workflowId}/deletion`);
  await followUpResult<DeletionReceipt>(client, third);
  assert.deepEqual(second.store.deleted, []);
  assert.ok(second.recall.bots.every((b) => b.recordings.every((r) => r.status === 'deleted')));
});

test("a meeting's retention is a durable timer: the deletion runs by itself when it is due", async () => {
  const meetingWorkflowId = `meeting/retention-${randomBytes(3).toString('hex')}`;
  const store = new LocalArtifactStore(stack.artifactsDir);
  const manifest = await store.putJson({ meetingWorkflowId, name: 'manifest.json' }, { rooms: [] });
  const handle = await stack.temporal.client.workflow.start(deletionWorkflow, {
    taskQueue: stack.taskQueue,
    workflowId: `${meetingWorkflowId}/deletion`,
    args: [{ meetingWorkflowId, delaySeconds: 2, reason: 'retention' }],
  });
  assert.equal((await handle.query(deletionStatusQuery)).state, 'waiting');
  const receipt = await handle.result();
  assert.equal(receipt.reason, 'retention');
  assert.deepEqual(receipt.store.deleted, [manifest.uri]);
  assert.deepEqual(receipt.recall.bots, [], 'Recall lists no bot of this meeting');
  assert.equal(await store.sizeOf({ meetingWorkflowId, name: 'manifest.json' }), undefined);
  assert.ok(Date.parse(receipt.startedAt) - (await handle.describe()).startTime.getTime() >= 2000);
});
