import { ApplicationFailure, Context } from '@temporalio/activity';
import { RecallApiError, type RecallClient } from '../src/recall';
import { toActivityFailure } from './recall-failure';
import type { RecordingNoticeInput, RecordingNoticeSent } from './types';

/** The bot is not in a call (not yet joined, or already gone): posting cannot succeed by retrying. */
export const NOTICE_BOT_NOT_IN_CALL = 'NoticeBotNotInCall';

const NOT_IN_CALL = new Set(['cannot_command_unstarted_bot', 'cannot_command_completed_bot']);

/** The key one notice of one bot in one room is sent under, whatever the attempt. */
export function noticeIdempotencyKey(input: Pick<RecordingNoticeInput, 'botId' | 'breakoutRoomId'>): string {
  return `recording-notice/${input.botId}/${input.breakoutRoomId ?? 'call'}`;
}

export function createNoticeActivities(recall: RecallClient) {
  return {
    /**
     * Posts the recording notice to everyone in the chat of the room the bot is in. Every attempt
     * sends the same Idempotency-Key, so a retry after a lost answer (within Recall's hour) gets
     * the first answer replayed instead of a second message; a retry while the first is still in
     * flight gets 409 and tries again. 429/5xx are retried; a bot not in a call fails for good
     * (`NoticeBotNotInCall`), and any other refusal is `RecallRequestRejected`.
     */
    async sendRecordingNotice(input: RecordingNoticeInput): Promise<RecordingNoticeSent> {
      try {
        await recall.sendChatMessage(
          input.botId,
          { to: 'everyone', message: input.text },
          { idempotencyKey: noticeIdempotencyKey(input), signal: Context.current().cancellationSignal },
        );
      } catch (err) {
        if (err instanceof RecallApiError && err.status === 400 && NOT_IN_CALL.has(err.code)) {
          throw ApplicationFailure.create({
            type: NOTICE_BOT_NOT_IN_CALL,
            message: `bot ${input.botId} is not in a call (${err.code}): no notice posted`,
            nonRetryable: true,
            details: [{ status: err.status, code: err.code }],
          });
        }
        throw toActivityFailure(err);
      }
      return { sentAt: new Date().toISOString() };
    },
  };
}
