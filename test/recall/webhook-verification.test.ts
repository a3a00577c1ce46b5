import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  verifyRecallWebhook,
  webhookEventId,
  WebhookPayloadError,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from '../../src/recall';

// Signatures are produced here with node:crypto, independently of the library under test.
function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

const secret = newSecret();
const now = new Date('2026-03-01T12:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const body = JSON.stringify({
  event: 'bot.in_call_recording',
  data: {
    data: { code: 'in_call_recording', sub_code: null, updated_at: now.toISOString() },
    bot: { id: 'b1', metadata: {} },
  },
});

function headers(family: 'webhook' | 'svix', id: string, timestamp: number | string, signature: string) {
  return { [`${family}-id`]: id, [`${family}-timestamp`]: String(timestamp), [`${family}-signature`]: signature };
}

function rejection(reason: WebhookVerificationReason) {
  return (error: unknown) => {
    assert.ok(error instanceof WebhookVerificationError, `expected WebhookVerificationError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    assert.ok(!error.message.includes(secret.slice(6)), 'message must not contain the secret');
    return true;
  };
}

void describe('verifyRecallWebhook', () => {
  void it('accepts a workspace-secret delivery with webhook-* headers and returns the parsed body', () => {
    const payload = verifyRecallWebhook(
      secret,
      headers('webhook', 'msg_1', nowSeconds, sign(secret, 'msg_1', nowSeconds, body)),
      body,
      {
        now,
      },
    );
    assert.deepEqual(payload, JSON.parse(body));
  });

  void it('accepts a legacy delivery with svix-* headers', () => {
    const payload = verifyRecallWebhook(
      secret,
      headers('svix', 'msg_2', nowSeconds, sign(secret, 'msg_2', nowSeconds, body)),
      body,
      {
        now,
      },
    );
    assert.deepEqual(payload, JSON.parse(body));
  });

  void it('matches header names case-insensitively and takes a Buffer body', () => {
    const signature = sign(secret, 'msg_3', nowSeconds, body);
    const mixed = { 'Webhook-Id': 'msg_3', 'WEBHOOK-TIMESTAMP': String(nowSeconds), 'Webhook-Signature': signature };
    assert.deepEqual(verifyRecallWebhook(secret, mixed, Buffer.from(body), { now }), JSON.parse(body));
  });

  void it('accepts a secret given without the whsec_ prefix', () => {
    const signature = sign(secret, 'msg_4', nowSeconds, body);
    assert.ok(verifyRecallWebhook(secret.slice(6), headers('webhook', 'msg_4', nowSeconds, signature), body, { now }));
  });

  void it('accepts any of several signatures, e.g. during a secret rotation', () => {
    const oldSecret = newSecret();
    const several = [
      'v2,ignored-unknown-version',
      sign(oldSecret, 'msg_5', nowSeconds, body),
      sign(secret, 'msg_5', nowSeconds, body),
    ].join(' ');
    assert.ok(verifyRecallWebhook(secret, headers('webhook', 'msg_5', nowSeconds, several), body, { now }));
    assert.ok(verifyRecallWebhook(oldSecret, headers('webhook', 'msg_5', nowSeconds, several), body, { now }));
  });

  void it('accepts a timestamp within five minutes either way', () => {
    for (const offset of [-300, 300]) {
      const ts = nowSeconds + offset;
      assert.ok(
        verifyRecallWebhook(secret, headers('webhook', 'msg_6', ts, sign(secret, 'msg_6', ts, body)), body, { now }),
      );
    }
  });

  void it('rejects a forged signature', () => {
    const forged = `v1,${randomBytes(32).toString('base64')}`;
    assert.throws(
      () => verifyRecallWebhook(secret, headers('webhook', 'msg_7', nowSeconds, forged), body, { now }),
      rejection('bad_signature'),
    );
  });

  void it('rejects a tampered body', () => {
    const signature = sign(secret, 'msg_8', nowSeconds, body);
    const tampered = body.replace('b1', 'b2');
    assert.throws(
      () => verifyRecallWebhook(secret, headers('webhook', 'msg_8', nowSeconds, signature), tampered, { now }),
      rejection('bad_signature'),
    );
  });

  void it('rejects a signature made for another message id', () => {
    const signature = sign(secret, 'msg_other', nowSeconds, body);
    assert.throws(
      () => verifyRecallWebhook(secret, headers('webhook', 'msg_9', nowSeconds, signature), body, { now }),
      rejection('bad_signature'),
    );
  });

  void it('rejects a delivery signed with another secret', () => {
    const signature = sign(newSecret(), 'msg_10', nowSeconds, body);
    assert.throws(
      () => verifyRecallWebhook(secret, headers('webhook', 'msg_10', nowSeconds, signature), body, { now }),
      rejection('bad_signature'),
    );
  });

  void it('rejects stale and future timestamps beyond five minutes, even when correctly signed', () => {
    for (const offset of [-301, 301, -86_400]) {
      const ts = nowSeconds + offset;
      assert.throws(
        () =>
          verifyRecallWebhook(secret, headers('webhook', 'msg_11', ts, sign(secret, 'msg_11', ts, body)), body, {
            now,
          }),
        rejection('stale_timestamp'),
      );
    }
  });

  void it('uses the wall clock when no time is given', () => {
    const ts = Math.floor(Date.now() / 1000);
    assert.ok(verifyRecallWebhook(secret, headers('webhook', 'msg_12', ts, sign(secret, 'msg_12', ts, body)), body));
    const old = ts - 3600;
    assert.throws(
      () => verifyRecallWebhook(secret, headers('webhook', 'msg_12', old, sign(secret, 'msg_12', old, body)), body),
      rejection('stale_timestamp'),
    );
  });

  void it('rejects missing, incomplete or malformed headers', () => {
    const signature = sign(secret, 'msg_13', nowSeconds, body);
    const cases: Record<string, string | undefined>[] = [
      {},
      { 'webhook-id': 'msg_13', 'webhook-signature': signature },
      { 'webhook-id': 'msg_13', 'webhook-timestamp': String(nowSeconds) },
      // A mix of families is not a complete set.
      { 'webhook-id': 'msg_13', 'svix-timestamp': String(nowSeconds), 'svix-signature': signature },
      { 'webhook-id': 'msg_13', 'webhook-timestamp': 'yesterday', 'webhook-signature': signature },
      { 'webhook-id': 'msg_13', 'webhook-timestamp': undefined, 'webhook-signature': signature },
    ];
    for (const candidate of cases) {
      assert.throws(() => verifyRecallWebhook(secret, candidate, body, { now }), rejection('missing_headers'));
    }
  });

  void it('rejects an unusable secret without echoing it', () => {
    const signature = sign(secret, 'msg_14', nowSeconds, body);
    for (const bad of ['', 'whsec_', 'whsec_not*base64!']) {
      assert.throws(
        () => verifyRecallWebhook(bad, headers('webhook', 'msg_14', nowSeconds, signature), body, { now }),
        (error: unknown) => {
          assert.ok(error instanceof WebhookVerificationError);
          assert.equal(error.reason, 'bad_secret');
          assert.ok(bad === '' || bad === 'whsec_' || !error.message.includes(bad));
          return true;
        },
      );
    }
  });

  void it('throws WebhookPayloadError for a correctly signed body that is not JSON', () => {
    const text = 'not json';
    assert.throws(
      () =>
        verifyRecallWebhook(
          secret,
          headers('webhook', 'msg_15', nowSeconds, sign(secret, 'msg_15', nowSeconds, text)),
          text,
          { now },
        ),
      WebhookPayloadError,
    );
  });

  void it('verifies the raw bytes, not a re-serialization', () => {
    const spaced = '{ "event" : "bot.done",  "data": {} }';
    const signature = sign(secret, 'msg_16', nowSeconds, spaced);
    assert.deepEqual(
      verifyRecallWebhook(secret, headers('webhook', 'msg_16', nowSeconds, signature), spaced, { now }),
      {
        event: 'bot.done',
        data: {},
      },
    );
    assert.throws(
      () =>
        verifyRecallWebhook(
          secret,
          headers('webhook', 'msg_16', nowSeconds, signature),
          JSON.stringify(JSON.parse(spaced)),
          { now },
        ),
      rejection('bad_signature'),
    );
  });
});

void describe('webhookEventId', () => {
  void it('returns webhook-id, else svix-id, case-insensitively', () => {
    assert.equal(webhookEventId({ 'Webhook-Id': 'msg_a' }), 'msg_a');
    assert.equal(webhookEventId({ 'svix-id': 'msg_b' }), 'msg_b');
    assert.equal(webhookEventId({ 'webhook-id': 'msg_c', 'svix-id': 'msg_d' }), 'msg_c');
    assert.equal(webhookEventId({ 'webhook-id': ['msg_e'] }), 'msg_e');
    assert.equal(webhookEventId({}), undefined);
  });
});
