import type { Logger } from 'pino';
import { AuditStore } from './audit';
import { Bot, type BotContext } from './bot';
import { EmulatedClock } from './clock';
import { FaultState } from './faults';
import { IdempotencyCache } from './idempotency';
import { type MediaFile, type MediaResponse, MediaUrls, s3ErrorFor } from './media';
import { Meeting } from './meeting';
import { Prng } from './prng';
import type { Recording, TranscriptArtifact } from './recording';
import { Scheduler } from './scheduler';
import type { CreateBotBody } from './schemas';
import { Timing } from './timing';
import type { BreakoutEventsMode, EmulatedMeeting, MediaFault, MeetingSpec } from './types';
import { WebhookDispatcher } from './webhooks';
import { parseZoomUrl } from './zoom-url';

export interface CoreOptions {
  timeScale: number;
  seed: number;
  webhookUrls: string[];
  webhookSecret: string | undefined;
  webhookHeaderStyle: 'standard' | 'svix';
  adHocPoolSize: number;
  downloadUrlTtlSeconds: number;
  breakoutEvents: BreakoutEventsMode;
  logger: Logger;
  baseUrl: () => string;
}

/** A media fault the HTTP layer carries out on the wire, after the headers. */
export type WireFault = Extract<MediaFault, { type: 'reset' | 'stall' | 'short_body' }>;

export type CreateBotResult =
  { kind: 'created'; bot: Bot } | { kind: 'invalid'; errors: Record<string, string[]> } | { kind: 'pool_exhausted' };

/** The emulated world: meetings, bots, recordings, webhooks, faults and the audit log, minus HTTP. */
export class EmulatorCore {
  readonly clock: EmulatedClock;
  readonly scheduler: Scheduler;
  readonly prng: Prng;
  readonly audit = new AuditStore();
  /** Create answers kept per Idempotency-Key; here, not in the HTTP layer, so a fault can expire them. */
  readonly idempotency = new IdempotencyCache();
  readonly webhooks: WebhookDispatcher;
  readonly media: MediaUrls;
  readonly faults: FaultState;
  readonly meetings = new Map<string, Meeting>();
  readonly bots = new Map<string, Bot>();
  /** In creation order, for listing. */
  readonly botOrder: Bot[] = [];
  readonly recordings = new Map<string, { bot: Bot; recording: Recording }>();
  readonly transcripts = new Map<string, { bot: Bot; recording: Recording; transcript: TranscriptArtifact }>();
  private adHocAvailable: number;
  private readonly botContext: BotContext;

  constructor(private readonly o: CoreOptions) {
    this.clock = new EmulatedClock(o.timeScale);
    this.scheduler = new Scheduler((err) => o.logger.error({ err }, 'emulator step failed'));
    this.prng = new Prng(o.seed);
    this.adHocAvailable = o.adHocPoolSize;
    this.webhooks = new WebhookDispatcher({
      urls: o.webhookUrls,
      secret: o.webhookSecret,
      headerStyle: o.webhookHeaderStyle,
      clock: this.clock,
      scheduler: this.scheduler,
      prng: this.prng,
      logger: o.logger,
      record: (d) => this.audit.addDelivery(d),
      faultHit: (hit) => this.audit.addFaultHit(hit),
    });
    this.media = new MediaUrls(o.baseUrl, o.downloadUrlTtlSeconds * 1000, this.prng.hex(32), {
      file: (recordingId: string, file: MediaFile) => this.recordings.get(recordingId)?.recording.file(file),
    });
    this.faults = new FaultState({
      kickBot: (id, from) => this.bots.get(id)?.kick(from),
      crashBot: (id, subCode) => this.bots.get(id)?.crash(subCode),
      setWebhookRates: (rates) => this.webhooks.setFaults(rates),
      liveBots: () => this.botOrder.filter((bot) => !bot.terminal),
      expireDownloadUrls: () => this.media.expireAll(),
      expireIdempotencyKeys: () => this.idempotency.expireAll(),
    });
    this.botContext = {
      clock: this.clock,
      scheduler: this.scheduler,
      prng: this.prng,
      seed: o.seed,
      breakoutEvents: o.breakoutEvents,
      logger: o.logger,
      meetings: this.meetings,
      emit: (event, data, bot) => this.webhooks.emit(event, data, bot.id, bot.faults.dropWebhooks),
      redeliver: (message) => this.webhooks.redeliver(message),
      faultHit: (hit) => this.audit.addFaultHit(hit),
      registerRecording: (bot, recording) => {
        this.recordings.set(recording.id, { bot, recording });
        for (const transcript of recording.transcripts)
          this.transcripts.set(transcript.id, { bot, recording, transcript });
      },
    };
  }

  createMeeting(spec: MeetingSpec): EmulatedMeeting {
    const meeting = new Meeting(spec, this.clock, this.scheduler, this.prng);
    if (this.meetings.has(meeting.id)) throw new Error(`meeting ${meeting.id} already exists`);
    this.meetings.set(meeting.id, meeting);
    return meeting.handle();
  }

  createBot(body: CreateBotBody, idempotencyKey: string | undefined): CreateBotResult {
    const meetingRef = parseZoomUrl(body.meeting_url);
    if (!meetingRef) return { kind: 'invalid', errors: { meeting_url: ['Invalid meeting url.'] } };
    const now = this.clock.now();
    const joinAt = body.join_at ? Date.parse(body.join_at) : undefined;
    const scheduled = joinAt !== undefined && joinAt - now > Timing.scheduledLeadSeconds * 1000;
    if (!scheduled) {
      if (this.adHocAvailable < 1) return { kind: 'pool_exhausted' };
      this.adHocAvailable--;
      this.scheduler.after(this.clock.realMs(Timing.adHocRefillSeconds), () => this.adHocAvailable++);
    }
    const botName = body.bot_name ?? 'Meeting Notetaker';
    const metadata = body.metadata ?? {};
    const id = this.prng.uuid();
    const audit = {
      id,
      botName,
      meetingId: meetingRef.meetingId,
      metadata,
      idempotencyKey,
      createdAt: Date.now(),
      joinAt: body.join_at ?? undefined,
      statuses: [],
      rooms: [],
      recordings: [],
      spokenWords: [],
    };
    this.audit.addBot(audit);
    const faults = this.faults.forNewBot(botName, metadata);
    const bot = new Bot({ id, body, meetingRef, joinAt, audit, faults }, this.botContext);
    this.bots.set(id, bot);
    this.botOrder.push(bot);
    this.o.logger.debug({ botId: id, botName, meetingId: meetingRef.meetingId, scheduled }, 'bot created');
    return { kind: 'created', bot };
  }

  deleteBot(bot: Bot): void {
    bot.delete();
    this.bots.delete(bot.id);
  }

  /** A transcript made after the fact through create_transcript. */
  createTranscript(
    bot: Bot,
    recording: Recording,
    provider: Record<string, unknown>,
    diarization?: Record<string, unknown> | null,
  ): TranscriptArtifact {
    const transcript = bot.newTranscript(provider, this.clock.now(), diarization);
    recording.transcripts.push(transcript);
    this.transcripts.set(transcript.id, { bot, recording, transcript });
    bot.completeTranscript(recording, transcript);
    return transcript;
  }

  /** A `/_media/` request: the S3-style answer, with any media fault already applied or left to the wire. */
  serveMedia(path: string, search: URLSearchParams, method: string): { response: MediaResponse; wire?: WireFault } {
    const response = this.media.serve(path, search);
    const found = response.served && this.recordings.get(response.served.recordingId);
    if (response.expiredByFault) {
      this.audit.addFaultHit({ fault: 'download_url_expired', botId: found?.bot.id, file: response.served?.file });
    }
    if (response.status !== 200 || !response.served || !found || method !== 'GET') return { response };
    const { file, recordingId, seq } = response.served;
    const fault = this.faults.takeMediaFault(found.bot, recordingId, file);
    if (!fault) return { response };
    const hit = { botId: found.bot.id, file };
    switch (fault.type) {
      case 'status': {
        const error = s3ErrorFor(fault.status);
        this.audit.addFaultHit({ ...hit, fault: 'media_status', detail: String(fault.status) });
        return { response: error };
      }
      case 'expire_after_retrieve':
        this.audit.addFaultHit({ ...hit, fault: 'media_expired' });
        return { response: this.media.expire(seq) };
      default:
        this.audit.addFaultHit({ ...hit, fault: `media_${fault.type}`, detail: wireDetail(fault) });
        return { response, wire: fault };
    }
  }

  async close(): Promise<void> {
    this.scheduler.stop();
    await this.webhooks.close();
  }
}

function wireDetail(fault: WireFault): string | undefined {
  if (fault.type === 'stall') return `${fault.ms} ms`;
  if (fault.type === 'reset' && fault.afterBytes !== undefined) return `after ${fault.afterBytes} bytes`;
  return undefined;
}
