import { Context } from '@temporalio/activity';
import { RecallApiError, type CreateBotRequest, type RecallClient } from '../src/recall';
import { countBotCreation } from './metrics';
import { recallCall } from './recall-failure';
import type { BotSnapshot, CreateBotInput, LeaveResult } from './types';

function signal(): AbortSignal {
  return Context.current().cancellationSignal;
}

export function toCreateBotRequest(input: CreateBotInput): CreateBotRequest {
  return {
    meeting_url: input.meetingUrl,
    bot_name: input.botName,
    ...(input.joinAt ? { join_at: input.joinAt } : {}),
    metadata: input.metadata,
    recording_config: { transcript: input.transcript },
    automatic_leave: {
      waiting_room_timeout: input.waitingRoomTimeoutSeconds,
      noone_joined_timeout: input.nooneJoinedTimeoutSeconds,
    },
    ...(input.zoom
      ? {
          zoom: {
            ...(input.zoom.userEmail ? { user_email: input.zoom.userEmail } : {}),
            ...(input.zoom.zakUrl ? { zak_url: input.zoom.zakUrl } : {}),
            ...(input.zoom.joinTokenUrl ? { join_token_url: input.zoom.joinTokenUrl } : {}),
          },
        }
      : {}),
    breakout_room: input.breakoutRoomId
      ? { mode: 'join_specific_room', room_id: input.breakoutRoomId }
      : { mode: 'auto_accept_all_invites' },
  };
}

export function createBotActivities(recall: RecallClient) {
  return {
    /**
     * Creates one bot. Retries of this activity reuse the idempotency key, so a create whose
     * response was lost returns the same bot instead of a second one.
     */
    async createBot(input: CreateBotInput): Promise<{ botId: string }> {
      const bot = await countBotCreation(() =>
        recallCall(() =>
          recall.createBot(toCreateBotRequest(input), { idempotencyKey: input.idempotencyKey, signal: signal() }),
        ),
      );
      return { botId: bot.id };
    },

    async retrieveBot(botId: string): Promise<BotSnapshot> {
      const bot = await recallCall(() => recall.retrieveBot(botId, { signal: signal() }));
      return {
        id: bot.id,
        statusChanges: bot.status_changes.map((s) => ({ code: s.code, subCode: s.sub_code ?? null, at: s.created_at })),
      };
    },

    /**
     * Makes a bot stop billing: a scheduled bot not yet dispatched is deleted, any other one is told
     * to leave. A bot that already finished is fine: that is what was wanted.
     */
    async leaveBot(botId: string): Promise<LeaveResult> {
      try {
        await recall.leaveCall(botId, { signal: signal() });
        return 'left';
      } catch (err) {
        if (!(err instanceof RecallApiError)) throw err;
        if (err.code === 'cannot_command_completed_bot') return 'already_done';
        if (err.code !== 'cannot_command_unstarted_bot') return recallCall(() => Promise.reject(err));
      }
      await recallCall(() => recall.deleteBot(botId, { signal: signal() }));
      return 'deleted';
    },
  };
}
