import type { Bot } from './bot';
import { botJson } from './bot-view';
import type { EmulatorCore } from './core';
import type { RouteRequest, RouteResult } from './http/routes';

/** The List Bots `status` choices (reference §2.3); anything else is a DRF choice error. */
const STATUSES = [
  'ready',
  'joining_call',
  'in_waiting_room',
  'in_call_not_recording',
  'recording_permission_allowed',
  'recording_permission_denied',
  'in_call_recording',
  'recording_done',
  'call_ended',
  'done',
  'fatal',
  'media_expired',
  'analysis_done',
  'analysis_failed',
];

const PLATFORMS = [
  'zoom',
  'google_meet',
  'goto_meeting',
  'microsoft_teams',
  'microsoft_teams_live',
  'webex',
  'chime_sdk',
  'zoom_rtms',
  'google_meet_media_api',
  'slack_authenticator',
  'slack_huddle_observer',
];

/**
 * `GET /api/v1/bot/`: DRF page-number pagination (`{count, next, previous, results}`, `next` a full
 * URL, `page` the only paging parameter, as documented) with the documented filters: repeatable
 * `status` and `platform`, `meeting_url`, `join_at_after`/`join_at_before` (inclusive) and
 * `metadata__KEY=VALUE` pairs (AND). Undocumented parameters are ignored, as DRF does.
 */
export function listBots(core: EmulatorCore, req: RouteRequest, pageSize: number): RouteResult {
  const q = req.query;
  const errors: Record<string, string[]> = {};
  const choices = (name: string, allowed: string[]) => {
    const values = q.getAll(name);
    const bad = values.find((v) => !allowed.includes(v));
    if (bad !== undefined) errors[name] = [`Select a valid choice. ${bad} is not one of the available choices.`];
    return values;
  };
  const date = (name: string) => {
    const value = q.get(name);
    if (value === null || value === '') return undefined;
    const at = Date.parse(value);
    if (Number.isNaN(at)) errors[name] = ['Enter a valid date/time.'];
    return at;
  };
  const statuses = choices('status', STATUSES);
  const platforms = choices('platform', PLATFORMS);
  const after = date('join_at_after');
  const before = date('join_at_before');
  if (Object.keys(errors).length > 0) return { status: 400, body: errors };
  const meta: [string, string][] = [];
  for (const [key, value] of q) if (key.startsWith('metadata__')) meta.push([key.slice('metadata__'.length), value]);
  const meetingUrl = q.get('meeting_url');
  const meetingId = meetingUrl ? (/(\d{5,})/.exec(meetingUrl)?.[1] ?? meetingUrl) : undefined;

  const keep = (bot: Bot) => {
    if (bot.phase === 'deleted') return false;
    if (meta.some(([k, v]) => bot.metadata[k] !== v)) return false;
    if (meetingId && bot.meetingRef.meetingId !== meetingId) return false;
    // Every emulated bot is a Zoom bot.
    if (platforms.length > 0 && !platforms.includes('zoom')) return false;
    if (after !== undefined && (bot.joinAt === undefined || bot.joinAt < after)) return false;
    if (before !== undefined && (bot.joinAt === undefined || bot.joinAt > before)) return false;
    if (statuses.length > 0) {
      const current = bot.statusChanges[bot.statusChanges.length - 1]?.code ?? 'ready';
      if (!statuses.includes(current)) return false;
    }
    return true;
  };
  const all = core.botOrder.filter(keep);
  const page = Number(q.get('page') ?? 1);
  const pages = Math.max(1, Math.ceil(all.length / pageSize));
  if (!Number.isInteger(page) || page < 1 || page > pages) return { status: 404, body: { detail: 'Invalid page.' } };
  const link = (n: number) => {
    const url = new URL(req.url);
    // DRF's first-page link drops `page` altogether.
    if (n === 1) url.searchParams.delete('page');
    else url.searchParams.set('page', String(n));
    return url.toString();
  };
  return {
    status: 200,
    body: {
      count: all.length,
      next: page < pages ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: all.slice((page - 1) * pageSize, page * pageSize).map((bot) => botJson(bot, core.media)),
    },
  };
}
