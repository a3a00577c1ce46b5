import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffSeconds, classifyBotEnd } from '../../workflows/classify';

test('the design table: replace, fail, finished', () => {
  for (const sub of [
    'bot_errored',
    'meeting_not_started',
    'failed_to_launch_in_time',
    'zoom_internal_error',
    'zoom_join_timeout',
    'zoom_connection_failed',
  ]) {
    assert.equal(classifyBotEnd('fatal', sub), 'replace', sub);
  }
  for (const sub of [
    'timeout_exceeded_waiting_room',
    'bot_kicked_from_waiting_room',
    'timeout_exceeded_noone_joined',
    'bot_kicked_from_call',
  ]) {
    assert.equal(classifyBotEnd('call_ended', sub), 'replace', sub);
  }
  for (const sub of [
    'meeting_not_found',
    'meeting_link_invalid',
    'meeting_link_expired',
    'meeting_password_incorrect',
    'meeting_requires_registration',
    'meeting_requires_sign_in',
    'meeting_ended',
    'zoom_email_required',
    'zoom_web_disallowed',
    'zoom_sdk_app_not_published',
  ]) {
    assert.equal(classifyBotEnd('fatal', sub), 'fail', sub);
  }
  for (const sub of ['call_ended_by_host', 'timeout_exceeded_everyone_left', 'bot_received_leave_call']) {
    assert.equal(classifyBotEnd('call_ended', sub), 'finished', sub);
  }
});

test('codes Recall adds without notice are retried within the budget, not trusted as final', () => {
  assert.equal(classifyBotEnd('fatal', 'zoom_some_new_failure'), 'unknown');
  assert.equal(classifyBotEnd('fatal', null), 'unknown');
  assert.equal(classifyBotEnd('call_ended', 'something_new'), 'unknown');
});

test('backoff doubles from the initial delay and is capped', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffSeconds(n, 5, 30)),
    [5, 10, 20, 30, 30],
  );
  assert.equal(backoffSeconds(1, 0, 30), 0);
});
