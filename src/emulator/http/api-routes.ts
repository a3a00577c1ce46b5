import type { Bot } from '../bot';
import { botJson, recordingJson, transcriptJson } from '../bot-view';
import { listBots } from '../list-bots';
import type { EmulatorCore } from '../core';
import { createBotSchema, createTranscriptSchema, drfErrors, sendChatMessageSchema } from '../schemas';
import { Timing } from '../timing';
import { NOT_FOUND, type Route, type RouteRequest, type RouteResult } from './routes';

const ID = '([^/]+)';
const MAX_TRANSCRIPTS_PER_RECORDING = 10;

/** The Recall v1 bot, recording and transcript endpoints the emulator serves. */
export function apiRoutes(core: EmulatorCore, listPageSize: number): Route[] {
  const findBot = (id: string | undefined) => (id ? core.bots.get(id) : undefined);
  const withBot = (req: RouteRequest, fn: (bot: Bot) => RouteResult): RouteResult => {
    const bot = findBot(req.params[0]);
    return bot ? fn(bot) : NOT_FOUND;
  };
  const view = (bot: Bot) => botJson(bot, core.media);
  const completed = (): RouteResult => ({
    status: 400,
    body: { code: 'cannot_command_completed_bot', detail: 'Cannot command a bot that has already completed.' },
  });
  const unstarted = (bot: Bot): RouteResult => ({
    status: 400,
    body: { code: 'cannot_command_unstarted_bot', detail: `Bot ${bot.id} has not started yet.` },
  });

  return [
    {
      method: 'POST',
      pattern: /^\/api\/v1\/bot$/,
      category: 'create',
      handle(req) {
        const failure = core.faults.takeCreateFailure();
        if (failure) {
          core.audit.addFaultHit({ fault: 'create_failure', detail: String(failure.status) });
          const headers: Record<string, string> = {};
          if (failure.retryAfterSeconds !== undefined) headers['retry-after'] = String(failure.retryAfterSeconds);
          if (failure.status === 507) {
            return {
              status: 507,
              headers,
              body: { detail: 'No bots are available right now. Please retry in 30 seconds.' },
            };
          }
          // Gateway-style failures never reached the handler, so nothing is cached under the key.
          return { status: failure.status, headers, body: { detail: 'Request failed.' }, cache: false };
        }
        const parsed = createBotSchema.safeParse(req.body, { reportInput: true });
        if (!parsed.success) return { status: 400, body: drfErrors(parsed.error) };
        const result = core.createBot(parsed.data, req.idempotencyKey);
        if (result.kind === 'invalid') return { status: 400, body: result.errors };
        if (result.kind === 'pool_exhausted') {
          return {
            status: 507,
            headers: { 'retry-after': String(Timing.adHocRefillSeconds) },
            body: { detail: 'No bots are available right now. Please retry in 30 seconds.' },
          };
        }
        const lose = core.faults.takeLostResponse();
        if (lose) core.audit.addFaultHit({ fault: 'lost_create_response', botId: result.bot.id });
        return { status: 201, body: view(result.bot), lose };
      },
    },
    {
      method: 'GET',
      pattern: /^\/api\/v1\/bot$/,
      category: 'list',
      handle: (req) => listBots(core, req, listPageSize),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/bot/${ID}$`),
      category: 'default',
      handle: (req) => withBot(req, (bot) => ({ status: 200, body: view(bot) })),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/api/v1/bot/${ID}$`),
      category: 'default',
      handle: (req) =>
        withBot(req, (bot) => {
          if (bot.dispatched) return { status: 405, body: { detail: 'Method "DELETE" not allowed.' } };
          core.deleteBot(bot);
          return { status: 204 };
        }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/api/v1/bot/${ID}/leave_call$`),
      category: 'default',
      handle: (req) =>
        withBot(req, (bot) => {
          const failure = core.faults.takeLeaveFailure(bot, bot.terminal);
          if (failure) {
            const detail = 'status' in failure ? String(failure.status) : failure.code;
            core.audit.addFaultHit({ fault: 'leave_failure', botId: bot.id, detail });
            // A gateway answer: Recall's handler never ran, so nothing is cached under an Idempotency-Key.
            if ('status' in failure)
              return { status: failure.status, body: { detail: 'Request failed.' }, cache: false };
            return unstarted(bot);
          }
          if (bot.terminal) return completed();
          if (!bot.dispatched) return unstarted(bot);
          bot.leaveCall();
          return { status: 200, body: view(bot) };
        }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/api/v1/bot/${ID}/start_recording$`),
      category: 'default',
      handle: (req) =>
        withBot(req, (bot) => {
          if (bot.terminal || bot.phase === 'leaving') return completed();
          if (!bot.dispatched) return unstarted(bot);
          bot.startRecordingCommand();
          return { status: 200, body: {} };
        }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/api/v1/bot/${ID}/stop_recording$`),
      category: 'default',
      handle: (req) =>
        withBot(req, (bot) => {
          if (bot.terminal || bot.phase === 'leaving') return completed();
          if (!bot.dispatched) return unstarted(bot);
          bot.stopRecordingCommand();
          return { status: 200, body: {} };
        }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/api/v1/bot/${ID}/send_chat_message$`),
      category: 'default',
      handle: (req) =>
        withBot(req, (bot) => {
          const parsed = sendChatMessageSchema.safeParse(req.body, { reportInput: true });
          if (!parsed.success) return { status: 400, body: drfErrors(parsed.error) };
          if (bot.terminal || bot.phase === 'leaving') return completed();
          // Only a bot in the call has a chat to post in (not one joining or in the waiting room).
          if (bot.phase !== 'in_call') return unstarted(bot);
          const { id: roomId, name: roomName } = bot.room;
          core.audit.addChatMessage({
            botId: bot.id,
            roomId,
            roomName,
            to: parsed.data.to ?? 'everyone',
            message: parsed.data.message,
            pin: parsed.data.pin ?? false,
            at: Date.now(),
          });
          return { status: 200, body: view(bot) };
        }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/api/v1/bot/${ID}/delete_media$`),
      category: 'default',
      handle: (req) =>
        withBot(req, (bot) => {
          bot.deleteMedia();
          return { status: 200, body: view(bot) };
        }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/recording/${ID}$`),
      category: 'default',
      handle(req) {
        const found = core.recordings.get(req.params[0] ?? '');
        return found ? { status: 200, body: recordingJson(found.bot, found.recording, core.media) } : NOT_FOUND;
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/api/v1/recording/${ID}/create_transcript$`),
      category: 'default',
      handle(req) {
        const found = core.recordings.get(req.params[0] ?? '');
        if (!found) return NOT_FOUND;
        const parsed = createTranscriptSchema.safeParse(req.body, { reportInput: true });
        if (!parsed.success) return { status: 400, body: drfErrors(parsed.error) };
        if (found.recording.status !== 'done') {
          return {
            status: 400,
            body: { code: 'recording_not_done', detail: 'The recording has not finished processing.' },
          };
        }
        if (found.recording.transcripts.length >= MAX_TRANSCRIPTS_PER_RECORDING) {
          return {
            status: 400,
            body: { code: 'too_many_transcripts', detail: 'A recording can have at most 10 transcripts.' },
          };
        }
        const transcript = core.createTranscript(
          found.bot,
          found.recording,
          parsed.data.provider,
          parsed.data.diarization,
        );
        return { status: 200, body: transcriptJson(found.recording, transcript, core.media) };
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/api/v1/transcript/${ID}$`),
      category: 'default',
      handle(req) {
        const found = core.transcripts.get(req.params[0] ?? '');
        return found ? { status: 200, body: transcriptJson(found.recording, found.transcript, core.media) } : NOT_FOUND;
      },
    },
  ];
}
