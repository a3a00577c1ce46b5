import type {
  BotMatch,
  FailStatus,
  FaultStage,
  Faults,
  LeaveFailure,
  MediaFault,
  MediaFile,
  StuckBeforeCall,
  WebhookFaultRates,
} from './types';

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

/** The faults one bot carries: from the rules when it is created, or added while it is live. */
export interface BotFaults {
  fatalAt: { subCode: string; stage: FaultStage }[];
  dropWebhooks: boolean;
  /** Emulated seconds its recordings stay `processing` after it is done. */
  lateProcessingSeconds: number;
  holdInCallWebhooks: boolean;
  redeliverAfterDone: boolean;
  /** The recording_permission_denied sub code, when Zoom's host refuses this bot local recording. */
  recordingPermissionDenied: string | undefined;
  /** Where the bot hangs before the call, and how many leave requests it ignores there. */
  stuck: Required<StuckBeforeCall> | undefined;
}

export function noBotFaults(): BotFaults {
  return {
    fatalAt: [],
    dropWebhooks: false,
    lateProcessingSeconds: 0,
    holdInCallWebhooks: false,
    redeliverAfterDone: false,
    recordingPermissionDenied: undefined,
    stuck: undefined,
  };
}

/** A bot as the fault rules see it. */
export interface FaultTarget {
  name: string;
  metadata: Record<string, string>;
  faults: BotFaults;
}

/** Hooks into the rest of the emulator for faults that act right away. */
export interface FaultHooks {
  kickBot(botId: string, from?: 'call' | 'waiting_room'): void;
  crashBot(botId: string, subCode?: string): void;
  setWebhookRates(rates: WebhookFaultRates): void;
  /** Bots not yet done or fatal, in creation order. */
  liveBots(): Iterable<FaultTarget>;
  expireDownloadUrls(): void;
  expireIdempotencyKeys(): void;
}

/** Fault injection state: counted rules for future requests and bots, plus immediate actions. */
export class FaultState implements Faults {
  private createFailures: { status: FailStatus; retryAfterSeconds: number | undefined }[] = [];
  private lostResponses = 0;
  /** Rules that mark bots, each bot counted once against `match.count`. */
  private botRules: CountedRule<(faults: BotFaults) => void>[] = [];
  private leaveRules: CountedRule<LeaveFailure>[] = [];
  private mediaRules: MediaRule[] = [];
  responseDelayMs = 0;
  /** How long a create is held before it is handled, after any responseDelayMs (see Faults.slowCreates). */
  createDelayMs = 0;

  constructor(private readonly hooks: FaultHooks) {}

  failNextCreates(count: number, status: FailStatus, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i++) this.createFailures.push({ status, retryAfterSeconds });
  }

  loseNextCreateResponses(count: number): void {
    this.lostResponses += count;
  }

  botFatal(match: BotMatch, subCode: string, stage: FaultStage): void {
    this.botRule(match, false, (f) => f.fatalAt.push({ subCode, stage }));
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
    this.botRule(match, true, (f) => (f.dropWebhooks = true));
  }

  lateProcessing(match: BotMatch, seconds: number): void {
    this.botRule(match, true, (f) => (f.lateProcessingSeconds = Math.max(0, seconds)));
  }

  lateInCallWebhooks(match: BotMatch): void {
    this.botRule(match, true, (f) => (f.holdInCallWebhooks = true));
  }

  redeliverAfterDone(match: BotMatch): void {
    this.botRule(match, true, (f) => (f.redeliverAfterDone = true));
  }

  recordingPermissionDenied(match: BotMatch, subCode = 'zoom_local_recording_request_denied_by_host'): void {
    this.botRule(match, true, (f) => (f.recordingPermissionDenied = subCode));
  }

  failLeave(match: BotMatch, fault: LeaveFailure): void {
    this.leaveRules.push({ match, remaining: match.count ?? Infinity, value: fault });
  }

  stuckBeforeCall(match: BotMatch, stuck: StuckBeforeCall = {}): void {
    const hang = { stage: stuck.stage ?? 'in_waiting_room', ignoreLeaves: Math.max(0, stuck.ignoreLeaves ?? 0) };
    // New bots only: a live bot may already be past the stage, with its automatic-leave timers armed.
    this.botRule(match, false, (f) => (f.stuck = { ...hang }));
  }

  slowResponses(ms: number): void {
    this.responseDelayMs = Math.max(0, ms);
  }

  slowCreates(ms: number): void {
    this.createDelayMs = Math.max(0, ms);
  }

  expireDownloadUrls(): void {
    this.hooks.expireDownloadUrls();
  }

  expireIdempotencyKeys(): void {
    this.hooks.expireIdempotencyKeys();
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
    this.botRules = [];
    this.leaveRules = [];
    this.responseDelayMs = 0;
    this.createDelayMs = 0;
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

  /**
   * The injected answer to this leave_call, counting one request against the rule. An unstarted-bot
   * answer only strikes a bot that is not done: a done bot answers cannot_command_completed_bot.
   */
  takeLeaveFailure(bot: FaultTarget, terminal: boolean): LeaveFailure | undefined {
    const rule = this.leaveRules.find(
      (r) => r.remaining > 0 && matches(r.match, bot.name, bot.metadata) && (!terminal || 'status' in r.value),
    );
    if (!rule) return undefined;
    rule.remaining--;
    return rule.value;
  }

  forNewBot(botName: string, metadata: Record<string, string>): BotFaults {
    const faults = noBotFaults();
    for (const rule of this.botRules) {
      if (rule.remaining <= 0 || !matches(rule.match, botName, metadata)) continue;
      rule.remaining--;
      rule.value(faults);
    }
    return faults;
  }

  /** A rule for matching bots: live ones first when `live`, then bots created later, `match.count` in all. */
  private botRule(match: BotMatch, live: boolean, apply: (faults: BotFaults) => void): void {
    const rule = { match, remaining: match.count ?? Infinity, value: apply };
    if (live) {
      for (const bot of this.hooks.liveBots()) {
        if (rule.remaining <= 0) break;
        if (!matches(match, bot.name, bot.metadata)) continue;
        rule.remaining--;
        apply(bot.faults);
      }
    }
    this.botRules.push(rule);
  }
}

export function matches(match: BotMatch, botName: string, metadata: Record<string, string>): boolean {
  if (match.botName !== undefined && match.botName !== botName) return false;
  return Object.entries(match.metadata ?? {}).every(([k, v]) => metadata[k] === v);
}
