/** deliverNotification against a real local HTTP receiver: signed body from the store, typed failures. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { Webhook } from 'standardwebhooks';
import { createNotifyActivities, NOTIFY_FAILURE, notifyWebhookId } from '../../activities/notify-activities';
import type { NotifyDelivery, NotifyInput } from '../../activities/types';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import { parseNotifySecrets } from '../../src/config';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const MEETING = 'meeting/notify-unit';

void describe('deliverNotification', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let store: LocalArtifactStore;
  let answer: { status: number; headers?: Record<string, string> };
  const seen: { headers: IncomingHttpHeaders; raw: string }[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'notify-'));
    store = new LocalArtifactStore(dir, { reserveBytes: 0 });
    await store.putJson(
      { meetingWorkflowId: MEETING, name: 'manifest.json' },
      { meetingWorkflowId: MEETING, rooms: [] },
    );
    server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => {
        seen.push({ headers: req.headers, raw });
        res.writeHead(answer.status, answer.headers).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  beforeEach(() => {
    answer = { status: 200 };
    seen.length = 0;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  function deliver(input: NotifyInput, secrets: Record<string, string> = { default: SECRET }) {
    const activities = createNotifyActivities(store, secrets);
    const env = new MockActivityEnvironment({ attempt: 2 }, { logger: new DefaultLogger('ERROR') });
    return env.run<[NotifyInput], NotifyDelivery, (i: NotifyInput) => Promise<NotifyDelivery>>(
      (i) => activities.deliverNotification(i),
      input,
    );
  }

  async function failure(run: Promise<unknown>): Promise<ApplicationFailure> {
    try {
      await run;
    } catch (err) {
      assert.ok(err instanceof ApplicationFailure, String(err));
      return err;
    }
    assert.fail('delivery succeeded');
  }

  const meetingCompleted: NotifyInput = { meetingWorkflowId: MEETING, event: 'meeting.completed', notify: { url: '' } };

  void it('posts the stored manifest, signed with the named secret, under a stable webhook-id', async () => {
    const delivery = await deliver({ ...meetingCompleted, notify: { url, secretName: 'acme' } }, { acme: SECRET });
    assert.deepEqual([delivery.status, delivery.attempts, delivery.url], [200, 2, url]);
    const [request] = seen;
    assert.ok(request);
    const body = new Webhook(SECRET).verify(request.raw, request.headers as Record<string, string>) as {
      type: string;
      data: { result: unknown };
    };
    assert.equal(body.type, 'meeting.completed');
    assert.deepEqual(body.data.result, { meetingWorkflowId: MEETING, rooms: [] });
    assert.equal(request.headers['webhook-id'], notifyWebhookId(meetingCompleted));
    assert.notEqual(
      notifyWebhookId(meetingCompleted),
      notifyWebhookId({ ...meetingCompleted, event: 'room.completed', roomKey: 'r' }),
    );
  });

  void it('a refusal is retryable and typed; 429 waits for Retry-After', async () => {
    answer = { status: 500 };
    const refused = await failure(deliver({ ...meetingCompleted, notify: { url } }));
    assert.deepEqual([refused.type, refused.nonRetryable], [NOTIFY_FAILURE.refused, false]);
    answer = { status: 429, headers: { 'retry-after': '7' } };
    const limited = await failure(deliver({ ...meetingCompleted, notify: { url } }));
    assert.equal(limited.nextRetryDelay, 7000);
  });

  void it('an unreachable receiver is retryable; a missing secret or manifest is final; the secret is never in the error', async () => {
    const down = await failure(deliver({ ...meetingCompleted, notify: { url: 'http://127.0.0.1:1/hook' } }));
    assert.deepEqual([down.type, down.nonRetryable], [NOTIFY_FAILURE.unreachable, false]);
    const noSecret = await failure(deliver({ ...meetingCompleted, notify: { url, secretName: 'other' } }));
    assert.deepEqual([noSecret.type, noSecret.nonRetryable], [NOTIFY_FAILURE.secretMissing, true]);
    const gone = await failure(deliver({ ...meetingCompleted, meetingWorkflowId: 'meeting/deleted', notify: { url } }));
    assert.deepEqual([gone.type, gone.nonRetryable], [NOTIFY_FAILURE.nothingToSend, true]);
    for (const err of [down, noSecret, gone])
      assert.ok(!JSON.stringify([err.message, err.details]).includes(SECRET.slice(6)));
    assert.equal(seen.length, 0);
  });

  void it('NOTIFY_SECRETS: name=secret pairs; a bare secret is the default one', () => {
    assert.deepEqual(parseNotifySecrets(`${SECRET}, acme=whsec_abc==`), { default: SECRET, acme: 'whsec_abc==' });
    assert.deepEqual(parseNotifySecrets(undefined), {});
  });
});
