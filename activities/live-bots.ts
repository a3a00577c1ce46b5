import type { Bot, RecallClient } from '../src/recall';
import type { FindBotInput } from './types';

/** Statuses after which a bot no longer joins, records or bills for the call. */
const ENDED = new Set(['call_ended', 'done', 'fatal']);

/** How long one listing of a meeting's bots answers for all its rooms' creates on this worker. */
const LISTING_TTL_MS = 5000;

function isLive(bot: Bot): boolean {
  const last = bot.status_changes.at(-1)?.code;
  return last === undefined || !ENDED.has(last);
}

/** When the bot first changed status; a bot with none yet was just created, so it counts as newest. */
function startedAt(bot: Bot): number {
  const first = bot.status_changes[0]?.created_at;
  return first ? Date.parse(first) : Infinity;
}

/**
 * Finds a live bot of one room at Recall, by the metadata every bot is created with. Listing costs
 * one request of Recall's list limit (60/min), so a worker lists a meeting's bots once per few seconds
 * and lets every room of that meeting read the same page: creates of a 100-room meeting need a handful
 * of listings, not a hundred. A listing a few seconds old can only miss a bot created in those seconds,
 * and such a bot is found by its idempotency key, which Recall honours for an hour.
 */
export class LiveBots {
  private readonly listings = new Map<string, { at: number; bots: Promise<Bot[]> }>();

  constructor(private readonly recall: RecallClient) {}

  async find(input: FindBotInput, options: { signal: AbortSignal; fresh: boolean }): Promise<string | undefined> {
    const bots = await this.list(input.meetingWorkflowId, options);
    const known = new Set(input.knownBotIds);
    const live = bots
      .filter((b) => b.metadata.workflowId === input.workflowId && !known.has(b.id) && isLive(b))
      .sort((a, b) => startedAt(b) - startedAt(a));
    return live[0]?.id;
  }

  private list(meetingWorkflowId: string, options: { signal: AbortSignal; fresh: boolean }): Promise<Bot[]> {
    const now = Date.now();
    for (const [key, entry] of this.listings) if (now - entry.at > LISTING_TTL_MS) this.listings.delete(key);
    const cached = this.listings.get(meetingWorkflowId);
    if (cached && !options.fresh) return cached.bots;
    const bots = this.recall.listAllBots({ metadata: { meetingWorkflowId } }, { signal: options.signal });
    this.listings.set(meetingWorkflowId, { at: now, bots });
    bots.catch(() => this.listings.delete(meetingWorkflowId));
    return bots;
  }
}
