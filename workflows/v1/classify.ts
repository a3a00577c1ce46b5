/** Release 0.1.0's version, used only by workflows/v1 (its decisions must replay unchanged). */
/**
 * What to do when a bot ends or a create call fails: a pure table, so it is unit-tested and the same
 * on replay. Recall adds status and sub codes without notice, so unknown codes are retried within the
 * room's budget rather than treated as final.
 */
export type BotEndAction = 'replace' | 'fail' | 'finished' | 'unknown';

const REPLACE_FATAL = new Set([
  'bot_errored',
  'meeting_not_started',
  'failed_to_launch_in_time',
  'zoom_internal_error',
  'zoom_join_timeout',
  'zoom_connection_failed',
]);

const REPLACE_CALL_ENDED = new Set([
  'timeout_exceeded_waiting_room',
  'bot_kicked_from_waiting_room',
  'timeout_exceeded_noone_joined',
]);

const FAIL = new Set([
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
]);

const FINISHED = new Set(['call_ended_by_host', 'timeout_exceeded_everyone_left', 'bot_received_leave_call']);

/** Classifies how a bot's life ended, from its last `call_ended` or `fatal` sub code. */
export function classifyBotEnd(code: 'call_ended' | 'fatal', subCode: string | null): BotEndAction {
  const sub = subCode ?? '';
  if (FAIL.has(sub)) return 'fail';
  if (FINISHED.has(sub)) return 'finished';
  if (code === 'fatal' && REPLACE_FATAL.has(sub)) return 'replace';
  if (code === 'call_ended' && REPLACE_CALL_ENDED.has(sub)) return 'replace';
  // A bot kicked mid-meeting, or dropped by the platform, leaves the room unrecorded: replace it.
  if (code === 'call_ended' && (sub === 'bot_kicked_from_call' || sub.startsWith('call_ended_by_platform'))) {
    return sub === 'call_ended_by_platform_max_length' ? 'finished' : 'replace';
  }
  if (code === 'call_ended' && sub.startsWith('timeout_exceeded_')) return 'finished';
  return 'unknown';
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
