import type { Bot, RecallClient } from '../src/recall';
import type { FindBotInput } from './types';

/** Statuses after which a bot no longer joins, records or bills for the call. */
const ENDED = new Set(['call_ended', 'done', 'fatal']);

/** How long a listing is kept at most; whether it may answer a create is decided by its age, below. */
const LISTING_TTL_MS = 60_000;

function isLive(bot: Bot): boolean {
  const last = bot.status_changes.at(-1)?.code;
  return last === undefined || !ENDED.has(last);
}

/** When the bot first changed status; a bot with none yet was just created, so it counts as newest. */
function startedAt(bot: Bot): number {
  const first = bot.status_changes[0]?.created_at;
  return first ? Date.parse(first) : Infinity;
}

/** A bot found for a room: live ones first (they bill), then the newest. */
function byPreference(a: Bot, b: Bot): number {
  return Number(isLive(b)) - Number(isLive(a)) || startedAt(b) - startedAt(a);
}

/**
 * Finds a live bot of one room at Recall (or any bot the room's own run created, when asked), by the
 * metadata every bot is created with. Listing costs one request of Recall's list limit (60/min), so a
 * worker shares one listing of a meeting's bots between that meeting's rooms: creates of a 100-room
 * meeting need a handful of listings, not a hundred. A listing answers for a room only if it was
 * taken after the room decided it needs a bot: every bot the room could have lost track of (a reset,
 * an earlier run) was created before that.
 */
export class LiveBots {
  private readonly listings = new Map<string, { at: number; bots: Promise<Bot[]> }>();

  constructor(private readonly recall: RecallClient) {}

  async find(input: FindBotInput, options: { signal: AbortSignal; fresh: boolean }): Promise<string | undefined> {
    const bots = await this.list(input.meetingWorkflowId, { ...options, notBefore: input.decidedAt });
    const known = new Set(input.knownBotIds);
    const ours = (b: Bot) => input.createdByRun !== undefined && b.metadata.roomRun === input.createdByRun;
    const found = bots
      .filter((b) => b.metadata.workflowId === input.workflowId && !known.has(b.id) && (isLive(b) || ours(b)))
      .sort(byPreference);
    return found[0]?.id;
  }

  private list(
    meetingWorkflowId: string,
    options: { signal: AbortSignal; fresh: boolean; notBefore: number },
  ): Promise<Bot[]> {
    const now = Date.now();
    for (const [key, entry] of this.listings) if (now - entry.at > LISTING_TTL_MS) this.listings.delete(key);
    const cached = this.listings.get(meetingWorkflowId);
    if (cached && !options.fresh && cached.at >= options.notBefore) return cached.bots;
    const bots = this.recall.listAllBots({ metadata: { meetingWorkflowId } }, { signal: options.signal });
    this.listings.set(meetingWorkflowId, { at: now, bots });
    bots.catch(() => this.listings.delete(meetingWorkflowId));
    return bots;
  }
}
