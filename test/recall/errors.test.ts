import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetryAfter, RecallApiError, regionBaseUrl, RECALL_REGIONS } from '../../src/recall';

void describe('parseRetryAfter', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  void it('reads delay-seconds', () => {
    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('1.5', now), 1500);
    assert.equal(parseRetryAfter(['7', '9'], now), 7000);
  });

  void it('reads an HTTP-date relative to now, never negative', () => {
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 12:00:45 GMT', now), 45_000);
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 11:59:00 GMT', now), 0);
  });

  void it('ignores what it cannot read', () => {
    for (const value of [undefined, '', 'soon', '-5', '1e3', 'in 5 minutes', []]) {
      assert.equal(parseRetryAfter(value, now), undefined, `for ${JSON.stringify(value)}`);
    }
  });
});

void describe('RecallApiError', () => {
  const error = (status: number, code = `http_${status}`) =>
    new RecallApiError({ status, code, detail: 'x', method: 'POST', path: '/api/v1/bot/' });

  void it('classifies retryable failures as Recall documents them', () => {
    for (const status of [409, 429, 500, 502, 503, 504, 507]) assert.equal(error(status).retryable, true, `${status}`);
    for (const status of [400, 401, 402, 403, 404, 405]) assert.equal(error(status).retryable, false, `${status}`);
    assert.equal(error(0, 'network_error').retryable, true);
    assert.equal(error(0, 'timeout').retryable, true);
    assert.equal(error(200, 'invalid_response').retryable, false);
    assert.equal(error(403, 'download_url_expired').retryable, false);
    assert.equal(error(200, 'too_large').retryable, false);
  });

  void it('says where and what in its message', () => {
    const e = new RecallApiError({
      status: 400,
      code: 'cannot_command_completed_bot',
      detail: 'Bot is done',
      method: 'POST',
      path: '/api/v1/bot/b1/leave_call/',
    });
    assert.equal(e.name, 'RecallApiError');
    assert.match(
      e.message,
      /POST \/api\/v1\/bot\/b1\/leave_call\/ failed: 400 cannot_command_completed_bot: Bot is done/,
    );
    assert.ok(e instanceof Error);
  });
});

void describe('regions', () => {
  void it('maps every region to its base URL', () => {
    assert.deepEqual(
      RECALL_REGIONS.map((region) => regionBaseUrl(region)),
      [
        'https://us-west-2.recall.ai',
        'https://us-east-1.recall.ai',
        'https://eu-central-1.recall.ai',
        'https://ap-northeast-1.recall.ai',
      ],
    );
    assert.throws(() => regionBaseUrl('mars-1' as never), TypeError);
  });
});
