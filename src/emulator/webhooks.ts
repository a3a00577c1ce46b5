import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import type { EmulatedClock } from './clock';
import type { Prng } from './prng';
import type { Scheduler } from './scheduler';
import { WEBHOOK_RETRY_SECONDS } from './timing';
import type { FaultHit, WebhookDelivery, WebhookFaultRates } from './types';

/** A message as queued: what a redelivery sends again under the same id. */
export interface WebhookMessage {
  msgId: string;
  event: string;
  botId: string | undefined;
  body: string;
}

interface Delivery {
  msgId: string;
  event: string;
  botId: string | undefined;
  url: string;
  body: string;
  /** Attempts made so far. */
  attempts: number;
}

/** Deliveries of one bot to one endpoint, first attempts strictly in order. */
interface Chain {
  queue: Delivery[];
  busy: boolean;
  /** Reordered deliveries, sent right after the next message of the chain overtook them. */
  held: Delivery[];
}

/** A held-back delivery goes out anyway after this long (emulated seconds) if nothing overtakes it. */
const REORDER_FALLBACK_SECONDS = 10;
/** Svix gives an endpoint 15 s to answer (emulated, like its retry schedule)... */
const ATTEMPT_TIMEOUT_SECONDS = 15;
/** ...but never less than this many real ms, so a fast clock does not fail every loaded receiver. */
const MIN_ATTEMPT_TIMEOUT_MS = 1000;

export interface WebhookDispatcherOptions {
  urls: string[];
  secret: string | undefined;
  headerStyle: 'standard' | 'svix';
  clock: EmulatedClock;
  scheduler: Scheduler;
  prng: Prng;
  logger: Logger;
  record(delivery: WebhookDelivery): void;
  faultHit(hit: Omit<FaultHit, 'at'>): void;
}

/**
 * Svix-like delivery: at least once to every endpoint, signed, retried on non-2xx or network errors
 * with Svix's schedule compressed by the time scale, the same message id on every attempt. First
 * attempts for one bot go out in order (unless the reorder fault strikes); retries do not hold up
 * later messages, as with Svix. Never blocks the API: `emit` only queues.
 */
export class WebhookDispatcher {
  private readonly urls: string[];
  private readonly signer: Webhook | undefined;
  private readonly agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
  private readonly chains = new Map<string, Chain>();
  private rates: WebhookFaultRates = {};
  private closed = false;
  private readonly attemptTimeoutMs: number;

  constructor(private readonly o: WebhookDispatcherOptions) {
    this.urls = [...o.urls];
    this.signer = o.secret ? new Webhook(o.secret) : undefined;
    this.attemptTimeoutMs = Math.max(MIN_ATTEMPT_TIMEOUT_MS, o.clock.realMs(ATTEMPT_TIMEOUT_SECONDS));
  }

  addUrl(url: string): void {
    if (!this.urls.includes(url)) this.urls.push(url);
  }

  setFaults(rates: WebhookFaultRates): void {
    this.rates = { ...rates };
  }

  /**
   * Queues `{event, data}` for every endpoint; `dropped` marks a bot whose webhooks are never
   * delivered. Returns the message unless it was dropped.
   */
  emit(
    event: string,
    data: Record<string, unknown>,
    botId: string | undefined,
    dropped = false,
  ): WebhookMessage | undefined {
    if (this.closed) return undefined;
    const msgId = this.o.prng.messageId();
    const body = JSON.stringify({ event, data });
    const drop = dropped || this.o.prng.chance(this.rates.drop);
    // Every die is rolled for every message, so a seed gives the same decisions whatever else is set.
    const duplicate = this.o.prng.chance(this.rates.duplicate) && !drop;
    const reorder = this.o.prng.chance(this.rates.reorder) && !drop;
    const decided = (fault: string) => this.o.faultHit({ fault, botId, detail: `${event} ${msgId}` });
    if (drop) decided('webhook_drop');
    if (duplicate) decided('webhook_duplicate');
    if (reorder) decided('webhook_reorder');
    for (const url of this.urls) {
      const delivery: Delivery = { msgId, event, botId, url, body, attempts: 0 };
      if (drop) {
        this.o.record({ eventId: msgId, event, botId, url, status: 'dropped', at: Date.now() });
        continue;
      }
      if (reorder) this.holdBack(delivery);
      else this.enqueue(delivery);
      if (duplicate) this.enqueue({ ...delivery });
    }
    return drop ? undefined : { msgId, event, botId, body };
  }

  /** Sends an earlier message to every endpoint again: same id and body, fresh timestamp and signature. */
  redeliver(message: WebhookMessage): void {
    if (this.closed) return;
    for (const url of this.urls) this.enqueue({ ...message, url, attempts: 0 });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.chains.clear();
    await this.agent.destroy();
  }

  private chain(delivery: Delivery): [string, Chain] {
    const key = `${delivery.botId ?? ''}|${delivery.url}`;
    let chain = this.chains.get(key);
    if (!chain) this.chains.set(key, (chain = { queue: [], busy: false, held: [] }));
    return [key, chain];
  }

  private enqueue(delivery: Delivery): void {
    const [key, chain] = this.chain(delivery);
    chain.queue.push(delivery);
    if (!chain.busy) void this.pump(key, chain);
  }

  /** Reorder fault: the next message of the same bot overtakes this one. */
  private holdBack(delivery: Delivery): void {
    const [key, chain] = this.chain(delivery);
    chain.held.push(delivery);
    this.o.scheduler.after(this.o.clock.realMs(REORDER_FALLBACK_SECONDS), () => {
      const i = chain.held.indexOf(delivery);
      if (i < 0) return;
      chain.held.splice(i, 1);
      void this.attempt(delivery);
      if (!chain.busy && chain.queue.length === 0 && chain.held.length === 0 && this.chains.get(key) === chain) {
        this.chains.delete(key);
      }
    });
  }

  private async pump(key: string, chain: Chain): Promise<void> {
    chain.busy = true;
    for (let next = chain.queue.shift(); next && !this.closed; next = chain.queue.shift()) {
      await this.attempt(next);
      for (const held of chain.held.splice(0)) await this.attempt(held);
    }
    chain.busy = false;
    if (chain.queue.length === 0 && chain.held.length === 0 && this.chains.get(key) === chain) this.chains.delete(key);
  }

  private async attempt(d: Delivery): Promise<void> {
    if (this.closed) return;
    if (this.rates.delayMs) await new Promise((resolve) => setTimeout(resolve, this.rates.delayMs));
    d.attempts++;
    let status: number | 'error';
    try {
      const res = await request(d.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: this.headers(d),
        body: d.body,
        headersTimeout: this.attemptTimeoutMs,
        bodyTimeout: this.attemptTimeoutMs,
      });
      status = res.statusCode;
      await res.body.dump();
    } catch (err) {
      if (this.closed) return;
      status = 'error';
      this.o.logger.debug({ err, url: d.url, event: d.event }, 'webhook delivery failed');
    }
    this.o.record({ eventId: d.msgId, event: d.event, botId: d.botId, url: d.url, status, at: Date.now() });
    const ok = typeof status === 'number' && status >= 200 && status < 300;
    const retryIn = WEBHOOK_RETRY_SECONDS[d.attempts - 1];
    if (!ok && retryIn !== undefined && !this.closed) {
      this.o.scheduler.after(this.o.clock.realMs(retryIn), () => void this.attempt(d));
    }
  }

  private headers(d: Delivery): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Svix-Webhooks/1.0' };
    if (!this.signer) return headers;
    const now = new Date();
    const prefix = this.o.headerStyle === 'svix' ? 'svix' : 'webhook';
    headers[`${prefix}-id`] = d.msgId;
    headers[`${prefix}-timestamp`] = String(Math.floor(now.getTime() / 1000));
    headers[`${prefix}-signature`] = this.signer.sign(d.msgId, now, d.body);
    return headers;
  }
}
