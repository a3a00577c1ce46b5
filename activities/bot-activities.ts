import { Context } from '@temporalio/activity';
import { RecallApiError, type CreateBotRequest, type RecallClient } from '../src/recall';
import { countBotCreation } from './metrics';
import { LiveBots } from './live-bots';
import { recallCall, toActivityFailure } from './recall-failure';
import type { BotSnapshot, CreateBotInput, CreatedBot, FindBotInput, LeaveResult } from './types';

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
  const liveBots = new LiveBots(recall);
  return {
    /**
     * Gets the room a bot: a live bot of the room that Recall already has (created by an attempt whose
     * answer was lost, by the run before a reset, by an earlier run) is adopted, and so is one the
     * room's own run created that ended before the room heard of it (it has recordings to collect;
     * the room then replaces it); otherwise one is created. Retries reuse the idempotency key, so a
     * lost answer within Recall's hour returns the same bot, and the listing finds it after that hour.
     */
    async createBot(input: CreateBotInput): Promise<CreatedBot> {
      const fresh = Context.current().info.attempt > 1;
      const live = await recallCall(() => liveBots.find(input, { signal: signal(), fresh }));
      if (live) return { botId: live, adopted: true };
      const bot = await countBotCreation(() =>
        recallCall(() =>
          recall.createBot(toCreateBotRequest(input), { idempotencyKey: input.idempotencyKey, signal: signal() }),
        ),
      );
      return { botId: bot.id, adopted: false };
    },

    /**
     * After a create that was interrupted: a bot of the room that the room does not know, live or
     * (with `createdByRun`) made by the room's own run in whatever state, so it is left and collected.
     */
    async findLiveBot(input: FindBotInput): Promise<{ botId: string } | null> {
      const botId = await recallCall(() => liveBots.find(input, { signal: signal(), fresh: true }));
      return botId ? { botId } : null;
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
     * to leave. A bot that already finished is fine: that is what was wanted. A scheduled bot that is
     * being dispatched can be neither (leave: not started; delete: 405): the room asks again.
     */
    async leaveBot(botId: string): Promise<LeaveResult> {
      try {
        await recall.leaveCall(botId, { signal: signal() });
        return 'left';
      } catch (err) {
        if (!(err instanceof RecallApiError)) throw err;
        if (err.code === 'cannot_command_completed_bot') return 'already_done';
        if (err.code !== 'cannot_command_unstarted_bot') throw toActivityFailure(err);
      }
      try {
        await recall.deleteBot(botId, { signal: signal() });
        return 'deleted';
      } catch (err) {
        if (err instanceof RecallApiError && err.status === 405) return 'not_dispatched';
        throw toActivityFailure(err);
      }
    },
  };
}
