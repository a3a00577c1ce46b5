/**
 * What to do when a bot ends or a create call fails: a pure table, so it is unit-tested and the same
 * on replay. Every sub code in Recall's documented list (docs.recall.ai/docs/sub-codes, plus the few
 * seen only in third-party code, marked so) is classified here with a reason a person understands.
 * Recall adds sub codes without notice, so unknown codes are retried within the room's budget rather
 * than treated as final.
 */
export type BotEndAction = 'replace' | 'fail' | 'finished' | 'unknown';

/** The statuses that carry a sub code saying why a bot stopped, or why it cannot record. */
export type BotEndCode = 'call_ended' | 'fatal' | 'recording_permission_denied';

/**
 * `denied`: the host did not let the bot record. A new bot meets the same host and the same Zoom
 * settings, so the room fails with that reason unless its policy asks for a replacement.
 */
type Rule = { action: Exclude<BotEndAction, 'unknown'> | 'denied'; reason: string };

const retry = (reason: string): Rule => ({ action: 'replace', reason });
const fail = (reason: string): Rule => ({ action: 'fail', reason });
const end = (reason: string): Rule => ({ action: 'finished', reason });
const denied = (reason: string): Rule => ({ action: 'denied', reason });

const CALL_ENDED: Record<string, Rule> = {
  call_ended_by_host: end('the host ended the meeting'),
  call_ended_by_platform_idle: end('Zoom ended the meeting because it was idle'),
  call_ended_by_platform_max_length: end("the meeting reached the platform's maximum length"),
  call_ended_by_platform_waiting_room_timeout: retry(
    'the platform removed the bot after it waited too long in the waiting room; a new bot asks again',
  ),
  timeout_exceeded_waiting_room: retry('nobody admitted the bot from the waiting room in time; a new bot asks again'),
  timeout_exceeded_noone_joined: retry('nobody joined the meeting in time; a new bot waits again'),
  timeout_exceeded_everyone_left: end('everyone else left the call'),
  timeout_exceeded_silence_detected: end('the call was silent for the configured time, so the bot left'),
  timeout_exceeded_only_bots_detected_using_participant_names: end(
    'only bots were left in the call (detected by participant names)',
  ),
  timeout_exceeded_only_bots_detected_using_participant_events: end(
    'only bots were left in the call (detected by participant activity)',
  ),
  // Seen in Recall's FAQ: the once-a-minute only-bots check.
  timeout_exceeded_only_bots_in_call: end('only bots were left in the call'),
  timeout_exceeded_in_call_not_recording: denied(
    'the bot was in the call without recording until the in-call-not-recording timeout: it never got to record',
  ),
  timeout_exceeded_in_call_recording: end('the recording reached its configured maximum length'),
  timeout_exceeded_recording_permission_denied: denied('the host did not grant the bot permission to record'),
  timeout_exceeded_max_duration: retry(
    "the bot reached Recall's maximum bot duration for this account; a new bot records the rest",
  ),
  bot_kicked_from_call: retry('someone removed the bot from the call; a new bot rejoins'),
  bot_kicked_from_waiting_room: retry('someone removed the bot from the waiting room; a new bot asks again'),
  bot_received_leave_call: end('the bot was told to leave'),
};

const FATAL: Record<string, Rule> = {
  bot_errored: retry('the bot crashed at Recall; a new bot takes over'),
  meeting_not_found: fail('the meeting does not exist (check the meeting link)'),
  meeting_not_started: retry('the meeting had not started yet; a new bot tries again'),
  meeting_requires_registration: fail('the meeting requires registration, which the bot cannot do'),
  meeting_requires_sign_in: fail('the meeting only admits signed-in users'),
  meeting_link_expired: fail('the meeting link has expired'),
  meeting_link_invalid: fail('the meeting link is not valid'),
  meeting_password_incorrect: fail('the meeting passcode is wrong'),
  meeting_locked: retry('the host locked the meeting; a new bot tries again after a while'),
  meeting_full: retry('the meeting was full; a new bot tries again after a while'),
  meeting_ended: fail('the meeting had already ended'),
  // Seen only in third-party code: Recall could not start a bot in time.
  failed_to_launch_in_time: retry('Recall could not start the bot in time; a new bot takes over'),

  zoom_sdk_credentials_missing: fail('the Zoom SDK credentials are missing from the Recall workspace'),
  zoom_sdk_update_required: fail("Zoom requires a newer SDK than Recall's bot uses"),
  zoom_sdk_app_not_published: fail('the Zoom app is not published, so it cannot join meetings outside its account'),
  zoom_email_blocked_by_admin: fail("the Zoom account's admin blocked the bot's email"),
  zoom_registration_required: fail('the Zoom meeting requires registration'),
  zoom_captcha_required: retry('Zoom asked the bot to solve a captcha; a new bot tries again'),
  zoom_account_blocked: fail("the bot's Zoom account is blocked"),
  zoom_invalid_join_token: fail('the Zoom join token is not valid'),
  zoom_invalid_signature: fail('the Zoom SDK signature is not valid (check the Zoom app credentials)'),
  zoom_internal_error: retry('Zoom had an internal error; a new bot tries again'),
  zoom_join_timeout: retry('joining Zoom timed out; a new bot tries again'),
  zoom_email_required: fail("the meeting requires an email: pass the bot's Zoom user email"),
  zoom_web_disallowed: fail('the meeting does not allow joining from the web client (end-to-end encryption?)'),
  zoom_connection_failed: retry('the connection to Zoom failed; a new bot tries again'),
  zoom_error_multiple_device_join: retry(
    "the bot's Zoom user was already in the meeting from another device; a new bot tries again",
  ),
  zoom_meeting_not_accessible: fail('the Zoom meeting is not accessible to the bot'),
  zoom_meeting_host_inactive: fail("the Zoom host's account is inactive"),
  zoom_invalid_webinar_invite: fail('the Zoom webinar invite is not valid'),
  // Seen only in third-party code.
  zoom_another_meeting_in_progress: retry(
    "the bot's Zoom user was in another meeting; a new bot tries again after a while",
  ),

  google_meet_internal_error: retry('Google Meet had an internal error; a new bot tries again'),
  google_meet_video_error: retry('Google Meet had a video error; a new bot tries again'),
  google_meet_meeting_room_not_ready: retry('the Google Meet room was not ready; a new bot tries again'),
  google_meet_sign_in_failed: retry('signing in to Google failed; a new bot tries again'),
  google_meet_sign_in_captcha_failed: retry('Google asked for a captcha at sign-in; a new bot tries again'),
  google_meet_sso_sign_in_failed: retry('the Google single sign-on failed; a new bot tries again'),
  google_meet_sign_in_missing_login_credentials: fail('the Google login credentials are missing'),
  google_meet_sign_in_missing_recovery_credentials: fail('the Google recovery credentials are missing'),
  google_meet_sso_sign_in_missing_login_credentials: fail('the Google single sign-on credentials are missing'),
  google_meet_sso_sign_in_missing_totp_secret: fail('the Google single sign-on TOTP secret is missing'),
  google_meet_bot_blocked: fail('the Google Meet organizer blocks bots'),
  google_meet_login_not_available: fail('no Google login was available for the bot'),
  google_meet_permission_denied_breakout: fail('Google Meet denied the bot access to the breakout room'),
  // Seen only in third-party code.
  google_meet_knocking_disabled: fail('the Google Meet meeting does not let outsiders ask to join'),
  google_meet_watermark_kicked: fail('Google Meet removed the bot because the meeting is watermarked'),

  microsoft_teams_call_dropped: retry('Microsoft Teams dropped the call; a new bot rejoins'),
  microsoft_teams_sign_in_credentials_missing: fail('the Microsoft Teams sign-in credentials are missing'),
  microsoft_teams_sign_in_failed: retry('signing in to Microsoft Teams failed; a new bot tries again'),
  microsoft_teams_internal_error: retry('Microsoft Teams had an internal error; a new bot tries again'),
  microsoft_teams_captcha_detected: retry('Microsoft Teams asked for a captcha; a new bot tries again'),
  microsoft_teams_bot_not_invited: fail('the bot was not invited to the Microsoft Teams meeting'),
  microsoft_teams_breakout_room_unsupported: fail('Microsoft Teams breakout rooms are not supported'),
  microsoft_teams_event_not_started_for_external: retry(
    'the Microsoft Teams event had not started for external attendees; a new bot tries again',
  ),
  microsoft_teams_2fa_required: fail('the Microsoft Teams account requires two-factor authentication'),

  webex_join_meeting_error: retry('joining the Webex meeting failed; a new bot tries again'),
};

/** Zoom's reasons, on `recording_permission_denied`, why the bot could not record. */
const RECORDING_PERMISSION_DENIED: Record<string, Rule> = {
  zoom_local_recording_disabled: denied("the host's Zoom settings disable local recording"),
  zoom_local_recording_request_disabled: denied(
    "the host's Zoom settings do not let participants ask for permission to record",
  ),
  zoom_local_recording_request_disabled_by_host: denied('the host turned off requests for permission to record'),
  zoom_bot_in_waiting_room: denied('the bot could not ask for permission to record from the waiting room'),
  zoom_host_not_present: denied('the host was not in the meeting to grant permission to record'),
  zoom_local_recording_request_denied_by_host: denied('the host denied the bot permission to record'),
  zoom_local_recording_denied: denied('Zoom denied the bot permission to record'),
  zoom_local_recording_grant_not_supported: denied("the host's Zoom client cannot grant permission to record"),
  zoom_sdk_key_blocked_by_host_admin: denied("the host's Zoom admin blocks the bot's Zoom app"),
};

const TABLES: Record<BotEndCode, Record<string, Rule>> = {
  call_ended: CALL_ENDED,
  fatal: FATAL,
  recording_permission_denied: RECORDING_PERMISSION_DENIED,
};

function ruleFor(code: BotEndCode, sub: string): Rule | undefined {
  if (Object.hasOwn(TABLES[code], sub)) return TABLES[code][sub];
  // Recall sometimes reports a known reason under another status: the reason still holds.
  const other = Object.values(TABLES).find((table) => Object.hasOwn(table, sub));
  return other?.[sub];
}

/** Today's rules for a sub code Recall has not documented, by its prefix. */
function undocumentedRule(code: BotEndCode, sub: string): Rule | undefined {
  if (code !== 'call_ended') return undefined;
  if (sub.startsWith('call_ended_by_platform')) return retry('the platform dropped the bot; a new bot rejoins');
  if (sub.startsWith('timeout_exceeded_')) return end('an automatic-leave timeout ended the bot');
  return undefined;
}

export interface BotEndOptions {
  /** Replace a bot the host did not let record (`Policy.retryOnRecordingDenied`); by default the room fails. */
  retryOnRecordingDenied?: boolean;
}

export interface BotEndExplanation {
  action: BotEndAction;
  /** Why, in words a person understands. */
  reason: string;
  /** The sub code is in Recall's documented list (and so classified on purpose, not by default). */
  documented: boolean;
}

/** Classifies how a bot's life ended, from its last `call_ended` or `fatal` sub code, and says why. */
export function explainBotEnd(
  code: BotEndCode,
  subCode: string | null,
  options: BotEndOptions = {},
): BotEndExplanation {
  const sub = subCode ?? '';
  const documented = ruleFor(code, sub);
  const rule = documented ?? undocumentedRule(code, sub);
  if (!rule) {
    return {
      action: 'unknown',
      reason: `Recall reported ${code} ${subCode ?? 'without a sub code'}, which it does not document; a new bot tries again`,
      documented: false,
    };
  }
  if (rule.action !== 'denied') return { action: rule.action, reason: rule.reason, documented: Boolean(documented) };
  return options.retryOnRecordingDenied
    ? { action: 'replace', reason: `${rule.reason}; the policy asks for a new bot`, documented: true }
    : { action: 'fail', reason: rule.reason, documented: true };
}

/** Classifies how a bot's life ended, from its last `call_ended` or `fatal` sub code. */
export function classifyBotEnd(code: BotEndCode, subCode: string | null, options: BotEndOptions = {}): BotEndAction {
  return explainBotEnd(code, subCode, options).action;
}

/** Failure types the activities raise for Recall HTTP errors (see activities/recall-failure.ts). */
export const CREATE_FAILURE = {
  poolExhausted: 'RecallPoolExhausted',
  rejected: 'RecallRequestRejected',
} as const;

/** Delay before replacement `n` (1-based): exponential from the policy's initial delay, capped. */
export function backoffSeconds(n: number, initialSeconds: number, maxSeconds: number): number {
  return Math.min(maxSeconds, initialSeconds * 2 ** Math.max(0, n - 1));
}
