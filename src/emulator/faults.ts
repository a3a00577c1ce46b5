import type { BotMatch, FailStatus, FaultStage, Faults, MediaFault, MediaFile, WebhookFaultRates } from './types';

interface CountedRule<T> {
  match: BotMatch;
  remaining: number;
  value: T;
}

/** A media rule counts its hits per recording file (`recordingId|file`), not per bot. */
interface MediaRule {
  match: BotMatch & { file?: MediaFile };
  fault: MediaFault;
  perFile: number;
  hits: Map<string, number>;
}

/** What a new bot inherits from the fault rules when it is created. */
export interface BotFaults {
  fatalAt: { subCode: string; stage: FaultStage }[];
  dropWebhooks: boolean;
}

/** Hooks into the rest of the emulator for faults that act right away. */
export interface FaultHooks {
  kickBot(botId: string, from?: 'call' | 'waiting_room'): void;
  crashBot(botId: string, subCode?: string): void;
  setWebhookRates(rates: WebhookFaultRates): void;
  dropWebhooksOfLiveBots(match: BotMatch): void;
  expireDownloadUrls(): void;
}

/** Fault injection state: counted rules for future requests and bots, plus immediate actions. */
export class FaultState implements Faults {
  private createFailures: { status: FailStatus; retryAfterSeconds: number | undefined }[] = [];
  private lostResponses = 0;
  private fatalRules: CountedRule<{ subCode: string; stage: FaultStage }>[] = [];
  private dropRules: CountedRule<true>[] = [];
  private mediaRules: MediaRule[] = [];
  responseDelayMs = 0;

  constructor(private readonly hooks: FaultHooks) {}

  failNextCreates(count: number, status: FailStatus, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i++) this.createFailures.push({ status, retryAfterSeconds });
  }

  loseNextCreateResponses(count: number): void {
    this.lostResponses += count;
  }

  botFatal(match: BotMatch, subCode: string, stage: FaultStage): void {
    this.fatalRules.push({ match, remaining: match.count ?? Infinity, value: { subCode, stage } });
  }

  kickBot(botId: string, from?: 'call' | 'waiting_room'): void {
    this.hooks.kickBot(botId, from);
  }

  crashBot(botId: string, subCode?: string): void {
    this.hooks.crashBot(botId, subCode);
  }

  webhooks(rates: WebhookFaultRates): void {
    this.hooks.setWebhookRates(rates);
  }

  dropWebhooksFor(match: BotMatch): void {
    this.hooks.dropWebhooksOfLiveBots(match);
    this.dropRules.push({ match, remaining: match.count ?? Infinity, value: true });
  }

  slowResponses(ms: number): void {
    this.responseDelayMs = Math.max(0, ms);
  }

  expireDownloadUrls(): void {
    this.hooks.expireDownloadUrls();
  }

  mediaFault(match: BotMatch & { file?: MediaFile }, fault: MediaFault): void {
    // An expiry that struck every GET would make the file unreachable; one retrieve-then-expire is the case.
    const perFile = match.count ?? (fault.type === 'expire_after_retrieve' ? 1 : Infinity);
    this.mediaRules.push({ match, fault, perFile, hits: new Map() });
  }

  reset(): void {
    this.mediaRules = [];
    this.createFailures = [];
    this.lostResponses = 0;
    this.fatalRules = [];
    this.dropRules = [];
    this.responseDelayMs = 0;
    this.hooks.setWebhookRates({});
  }

  /** The injected failure for this create request, if any. */
  takeCreateFailure(): { status: FailStatus; retryAfterSeconds: number | undefined } | undefined {
    return this.createFailures.shift();
  }

  takeLostResponse(): boolean {
    if (this.lostResponses <= 0) return false;
    this.lostResponses--;
    return true;
  }

  /** The media fault for this GET of a recording's file, consuming one of the rule's hits for that file. */
  takeMediaFault(
    bot: { name: string; metadata: Record<string, string> },
    recordingId: string,
    file: MediaFile,
  ): MediaFault | undefined {
    const key = `${recordingId}|${file}`;
    for (const rule of this.mediaRules) {
      if (rule.match.file !== undefined && rule.match.file !== file) continue;
      if (!matches(rule.match, bot.name, bot.metadata)) continue;
      const hits = rule.hits.get(key) ?? 0;
      if (hits >= rule.perFile) continue;
      rule.hits.set(key, hits + 1);
      return rule.fault;
    }
    return undefined;
  }

  forNewBot(botName: string, metadata: Record<string, string>): BotFaults {
    const fatalAt = take(this.fatalRules, botName, metadata).map((r) => r.value);
    return { fatalAt, dropWebhooks: take(this.dropRules, botName, metadata).length > 0 };
  }
}

export function matches(match: BotMatch, botName: string, metadata: Record<string, string>): boolean {
  if (match.botName !== undefined && match.botName !== botName) return false;
  return Object.entries(match.metadata ?? {}).every(([k, v]) => metadata[k] === v);
}

/** Rules that apply to this bot, each consuming one of its count. */
function take<T>(rules: CountedRule<T>[], botName: string, metadata: Record<string, string>): CountedRule<T>[] {
  const hit = rules.filter((r) => r.remaining > 0 && matches(r.match, botName, metadata));
  for (const r of hit) r.remaining--;
  return hit;
}
