import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffSeconds, classifyBotEnd, explainBotEnd, type BotEndCode } from '../../workflows/classify';

/**
 * Recall's documented sub codes, transcribed from the reference (shared/reference/recall-api.md §3,
 * which follows https://docs.recall.ai/docs/sub-codes, its FAQ, and the few codes seen only in
 * third-party code), by the status that carries them. Written from the documentation, not from
 * classify.ts: a code missing from the classifier fails the walk below.
 */
const DOCUMENTED: Record<BotEndCode, string[]> = {
  call_ended: [
    'call_ended_by_host',
    'call_ended_by_platform_idle',
    'call_ended_by_platform_max_length',
    'call_ended_by_platform_waiting_room_timeout',
    'timeout_exceeded_waiting_room',
    'timeout_exceeded_noone_joined',
    'timeout_exceeded_everyone_left',
    'timeout_exceeded_silence_detected',
    'timeout_exceeded_only_bots_detected_using_participant_names',
    'timeout_exceeded_only_bots_detected_using_participant_events',
    'timeout_exceeded_in_call_not_recording',
    'timeout_exceeded_in_call_recording',
    'timeout_exceeded_recording_permission_denied',
    'timeout_exceeded_max_duration',
    'bot_kicked_from_call',
    'bot_kicked_from_waiting_room',
    'bot_received_leave_call',
    'timeout_exceeded_only_bots_in_call',
  ],
  fatal: [
    'bot_errored',
    'meeting_not_found',
    'meeting_not_started',
    'meeting_requires_registration',
    'meeting_requires_sign_in',
    'meeting_link_expired',
    'meeting_link_invalid',
    'meeting_password_incorrect',
    'meeting_locked',
    'meeting_full',
    'meeting_ended',
    'failed_to_launch_in_time',
    'zoom_sdk_credentials_missing',
    'zoom_sdk_update_required',
    'zoom_sdk_app_not_published',
    'zoom_email_blocked_by_admin',
    'zoom_registration_required',
    'zoom_captcha_required',
    'zoom_account_blocked',
    'zoom_invalid_join_token',
    'zoom_invalid_signature',
    'zoom_internal_error',
    'zoom_join_timeout',
    'zoom_email_required',
    'zoom_web_disallowed',
    'zoom_connection_failed',
    'zoom_error_multiple_device_join',
    'zoom_meeting_not_accessible',
    'zoom_meeting_host_inactive',
    'zoom_invalid_webinar_invite',
    'zoom_another_meeting_in_progress',
    'google_meet_internal_error',
    'google_meet_video_error',
    'google_meet_meeting_room_not_ready',
    'google_meet_sign_in_failed',
    'google_meet_sign_in_captcha_failed',
    'google_meet_sso_sign_in_failed',
    'google_meet_sign_in_missing_login_credentials',
    'google_meet_sign_in_missing_recovery_credentials',
    'google_meet_sso_sign_in_missing_login_credentials',
    'google_meet_sso_sign_in_missing_totp_secret',
    'google_meet_bot_blocked',
    'google_meet_login_not_available',
    'google_meet_permission_denied_breakout',
    'google_meet_knocking_disabled',
    'google_meet_watermark_kicked',
    'microsoft_teams_call_dropped',
    'microsoft_teams_sign_in_credentials_missing',
    'microsoft_teams_sign_in_failed',
    'microsoft_teams_internal_error',
    'microsoft_teams_captcha_detected',
    'microsoft_teams_bot_not_invited',
    'microsoft_teams_breakout_room_unsupported',
    'microsoft_teams_event_not_started_for_external',
    'microsoft_teams_2fa_required',
    'webex_join_meeting_error',
  ],
  recording_permission_denied: [
    'zoom_local_recording_disabled',
    'zoom_local_recording_request_disabled',
    'zoom_local_recording_request_disabled_by_host',
    'zoom_bot_in_waiting_room',
    'zoom_host_not_present',
    'zoom_local_recording_request_denied_by_host',
    'zoom_local_recording_denied',
    'zoom_local_recording_grant_not_supported',
    'zoom_sdk_key_blocked_by_host_admin',
  ],
};

/**
 * What the product does for each documented code (DESIGN.md's failure table, extended to the whole
 * list). `denied`: the host did not let the bot record; the room fails unless the policy retries.
 */
const EXPECTED: Record<'replace' | 'fail' | 'finished' | 'denied', string[]> = {
  replace: [
    'call_ended_by_platform_waiting_room_timeout',
    'timeout_exceeded_waiting_room',
    'timeout_exceeded_noone_joined',
    'timeout_exceeded_max_duration',
    'bot_kicked_from_call',
    'bot_kicked_from_waiting_room',
    'bot_errored',
    'meeting_not_started',
    'meeting_locked',
    'meeting_full',
    'failed_to_launch_in_time',
    'zoom_captcha_required',
    'zoom_internal_error',
    'zoom_join_timeout',
    'zoom_connection_failed',
    'zoom_error_multiple_device_join',
    'zoom_another_meeting_in_progress',
    'google_meet_internal_error',
    'google_meet_video_error',
    'google_meet_meeting_room_not_ready',
    'google_meet_sign_in_failed',
    'google_meet_sign_in_captcha_failed',
    'google_meet_sso_sign_in_failed',
    'microsoft_teams_call_dropped',
    'microsoft_teams_sign_in_failed',
    'microsoft_teams_internal_error',
    'microsoft_teams_captcha_detected',
    'microsoft_teams_event_not_started_for_external',
    'webex_join_meeting_error',
  ],
  fail: [
    'meeting_not_found',
    'meeting_requires_registration',
    'meeting_requires_sign_in',
    'meeting_link_expired',
    'meeting_link_invalid',
    'meeting_password_incorrect',
    'meeting_ended',
    'zoom_sdk_credentials_missing',
    'zoom_sdk_update_required',
    'zoom_sdk_app_not_published',
    'zoom_email_blocked_by_admin',
    'zoom_registration_required',
    'zoom_account_blocked',
    'zoom_invalid_join_token',
    'zoom_invalid_signature',
    'zoom_email_required',
    'zoom_web_disallowed',
    'zoom_meeting_not_accessible',
    'zoom_meeting_host_inactive',
    'zoom_invalid_webinar_invite',
    'google_meet_sign_in_missing_login_credentials',
    'google_meet_sign_in_missing_recovery_credentials',
    'google_meet_sso_sign_in_missing_login_credentials',
    'google_meet_sso_sign_in_missing_totp_secret',
    'google_meet_bot_blocked',
    'google_meet_login_not_available',
    'google_meet_permission_denied_breakout',
    'google_meet_knocking_disabled',
    'google_meet_watermark_kicked',
    'microsoft_teams_sign_in_credentials_missing',
    'microsoft_teams_bot_not_invited',
    'microsoft_teams_breakout_room_unsupported',
    'microsoft_teams_2fa_required',
  ],
  finished: [
    'call_ended_by_host',
    'call_ended_by_platform_idle',
    'call_ended_by_platform_max_length',
    'timeout_exceeded_everyone_left',
    'timeout_exceeded_silence_detected',
    'timeout_exceeded_only_bots_detected_using_participant_names',
    'timeout_exceeded_only_bots_detected_using_participant_events',
    'timeout_exceeded_only_bots_in_call',
    'timeout_exceeded_in_call_recording',
    'bot_received_leave_call',
  ],
  denied: [
    'timeout_exceeded_in_call_not_recording',
    'timeout_exceeded_recording_permission_denied',
    'zoom_local_recording_disabled',
    'zoom_local_recording_request_disabled',
    'zoom_local_recording_request_disabled_by_host',
    'zoom_bot_in_waiting_room',
    'zoom_host_not_present',
    'zoom_local_recording_request_denied_by_host',
    'zoom_local_recording_denied',
    'zoom_local_recording_grant_not_supported',
    'zoom_sdk_key_blocked_by_host_admin',
  ],
};

const documented = Object.entries(DOCUMENTED).flatMap(([code, subs]) =>
  subs.map((sub) => ({ code: code as BotEndCode, sub })),
);

function expectedFor(sub: string): keyof typeof EXPECTED {
  const found = (Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]).filter((k) => EXPECTED[k].includes(sub));
  assert.equal(found.length, 1, `${sub} has exactly one expected action (found: ${found.join(', ') || 'none'})`);
  return found[0]!;
}

test('the expectations cover exactly the documented table', () => {
  const all = documented.map((d) => d.sub);
  assert.equal(new Set(all).size, all.length, 'no documented code is listed twice');
  assert.ok(all.length >= 80, `about 80 documented codes (got ${all.length})`);
  assert.deepEqual(Object.values(EXPECTED).flat().sort(), [...all].sort());
});

test('every documented sub code is classified on purpose, with a reason a person understands', () => {
  for (const { code, sub } of documented) {
    const explained = explainBotEnd(code, sub);
    assert.equal(explained.documented, true, `${code} ${sub} is in the classifier's table`);
    assert.notEqual(explained.action, 'unknown', `${code} ${sub}`);
    assert.ok(/\s/.test(explained.reason) && !explained.reason.includes(sub), `${sub}: "${explained.reason}" is prose`);
    const expected = expectedFor(sub);
    assert.equal(classifyBotEnd(code, sub), expected === 'denied' ? 'fail' : expected, `${code} ${sub}`);
  }
});

test('recording not permitted: the room fails with that reason, unless the policy asks for a new bot', () => {
  for (const sub of EXPECTED.denied) {
    const code = DOCUMENTED.recording_permission_denied.includes(sub) ? 'recording_permission_denied' : 'call_ended';
    assert.equal(classifyBotEnd(code, sub), 'fail', sub);
    assert.equal(classifyBotEnd(code, sub, { retryOnRecordingDenied: false }), 'fail', sub);
    assert.equal(classifyBotEnd(code, sub, { retryOnRecordingDenied: true }), 'replace', sub);
  }
  assert.match(
    explainBotEnd('call_ended', 'timeout_exceeded_recording_permission_denied').reason,
    /did not grant the bot permission to record/,
  );
  assert.match(
    explainBotEnd('recording_permission_denied', 'zoom_local_recording_request_denied_by_host').reason,
    /host denied the bot permission to record/,
  );
  // The policy changes nothing else.
  assert.equal(classifyBotEnd('fatal', 'meeting_not_found', { retryOnRecordingDenied: true }), 'fail');
  assert.equal(classifyBotEnd('call_ended', 'call_ended_by_host', { retryOnRecordingDenied: true }), 'finished');
});

test('a documented reason reported under another status keeps its meaning', () => {
  assert.equal(classifyBotEnd('call_ended', 'meeting_ended'), 'fail');
  assert.equal(classifyBotEnd('fatal', 'bot_kicked_from_call'), 'replace');
});

test('codes Recall adds without notice keep the old rules: retried within the budget, not trusted as final', () => {
  for (const [code, sub] of [
    ['fatal', 'zoom_some_new_failure'],
    ['fatal', null],
    ['call_ended', 'something_new'],
    ['call_ended', null],
    ['recording_permission_denied', 'zoom_new_reason'],
  ] as const) {
    const explained = explainBotEnd(code, sub);
    assert.deepEqual([explained.action, explained.documented], ['unknown', false], `${code} ${sub}`);
    assert.match(explained.reason, /does not document/);
  }
  // Undocumented codes of the known families: a platform drop is replaced, a new timeout is an end.
  assert.equal(classifyBotEnd('call_ended', 'call_ended_by_platform_something_new'), 'replace');
  assert.equal(classifyBotEnd('call_ended', 'timeout_exceeded_something_new'), 'finished');
  assert.equal(explainBotEnd('call_ended', 'timeout_exceeded_something_new').documented, false);
});

test('backoff doubles from the initial delay and is capped', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffSeconds(n, 5, 30)),
    [5, 10, 20, 30, 30],
  );
  assert.equal(backoffSeconds(1, 0, 30), 0);
});
