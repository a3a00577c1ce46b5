/**
 * Production client for the Recall.ai bot API (v1.11).
 *
 * It makes exactly one HTTP attempt per call: Temporal's activity retry policy is the only retry
 * loop, and it decides from RecallApiError's `retryable` and `retryAfterMs`. Every response body
 * is validated, every failure is a RecallApiError, and the API key goes only to the configured
 * Recall origin (never to pre-signed media URLs, never into logs or errors).
 */
import { performance } from 'node:perf_hooks';
import pino, { type Logger } from 'pino';
import { Agent, type Dispatcher, request } from 'undici';
import { type z } from 'zod';
import {
  type Download,
  downloadRefused,
  downloadTargetProblem,
  isLoopbackHost,
  publicOnlyLookup,
  sizeLimitedStream,
  tooLargeError,
} from './download';
import { RecallApiError, RecallErrorCode } from './errors';
import { recallLogRedactPaths } from './logging';
import { DEFAULT_RECALL_REGION, type RecallRegion, regionBaseUrl } from './regions';
import type { CreateBotRequest, CreateTranscriptRequest, ListBotsFilter, SendChatMessageRequest } from './requests';
import {
  type CallContext,
  describeIssues,
  errorFromResponse,
  invalidResponse,
  networkError,
  Redactor,
  timeoutError,
} from './response-errors';
import {
  type Bot,
  type BotListPage,
  BotListPageSchema,
  BotSchema,
  type Recording,
  RecordingSchema,
  type TranscriptArtifact,
  TranscriptArtifactSchema,
} from './schemas';

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface RecallClientOptions {
  apiKey: string;
  /** Default us-west-2. Keys are region-local: a wrong region answers 401. */
  region?: RecallRegion;
  /** Wins over `region`; used for the emulator and proxies. */
  baseUrl?: string;
  /**
   * Whole-call deadline for API calls. Downloads get it as an idle deadline instead (no byte for
   * that long, consumer included), since media can take longer than any fixed deadline.
   */
  timeoutMs?: number;
  /**
   * Shared connection pool; it must reach any origin (an Agent, not a single-origin Pool), since
   * media URLs live on storage hosts. When omitted the client owns one and `close()` closes it.
   */
  dispatcher?: Dispatcher;
  logger?: Logger;
}

export interface CallOptions {
  /** Aborting rejects the call with the signal's reason (not a RecallApiError). */
  signal?: AbortSignal;
}

export interface CreateBotOptions extends CallOptions {
  /** One key per logical creation; after a 507 use a NEW key, or Recall replays the 507. */
  idempotencyKey: string;
}

export interface IdempotentCallOptions extends CallOptions {
  idempotencyKey?: string;
}

export interface DownloadOptions extends CallOptions {
  maxBytes: number;
}

/** A 2xx answer as Recall gave it: its status and its body (JSON, or the text when not JSON). */
export interface VendorAnswer {
  status: number;
  body: unknown;
}

interface ApiCall extends CallOptions {
  method: 'GET' | 'POST' | 'DELETE';
  /** Absolute URL on the Recall origin. */
  url: URL;
  body?: unknown;
  idempotencyKey?: string;
}

/** A 2xx answer, not yet parsed. */
interface Exchange {
  ctx: CallContext;
  started: number;
  status: number;
  text: string;
}

const API_PREFIX = '/api/v1';

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function segment(id: string): string {
  if (id === '') throw new TypeError('Recall object id must not be empty');
  return encodeURIComponent(id);
}

/** The error `publicOnlyLookup` fails a connection with, however undici wraps it. */
function isRefusedLookup(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if ((current as NodeJS.ErrnoException).code === 'EDOWNLOADREFUSED') return true;
    current = current.cause;
  }
  return false;
}

function isoDate(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString();
}

export class RecallClient {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  /** Media downloads: connects only to public addresses, whatever a name resolves to. */
  readonly #mediaDispatcher: Dispatcher;
  /** The one origin media may come from over http or loopback: a loopback base URL (the emulator). */
  readonly #trustedMediaOrigin: string | undefined;
  readonly #log: Logger;
  readonly #redactor: Redactor;

  constructor(options: RecallClientOptions) {
    if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
      throw new TypeError('RecallClient needs a non-empty apiKey');
    }
    const base = new URL(options.baseUrl ?? regionBaseUrl(options.region ?? DEFAULT_RECALL_REGION));
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new TypeError(`RecallClient baseUrl must be http(s), got ${base.protocol}`);
    }
    this.baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.#timeoutMs > 0)) throw new TypeError('RecallClient timeoutMs must be positive');
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent();
    this.#mediaDispatcher = new Agent({ connect: { lookup: publicOnlyLookup } });
    this.#trustedMediaOrigin = isLoopbackHost(base.hostname) ? base.origin : undefined;
    this.#redactor = new Redactor([options.apiKey]);
    this.#log = (options.logger ?? pino({ enabled: false })).child(
      { component: 'recall-client' },
      { redact: { paths: [...recallLogRedactPaths], censor: '[REDACTED]' } },
    );
  }

  /** Closes the connection pool, if the client created it. */
  async close(): Promise<void> {
    await this.#mediaDispatcher.close();
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  // ---- Bots ----

  async createBot(body: CreateBotRequest, opts: CreateBotOptions): Promise<Bot> {
    if (!opts.idempotencyKey) throw new TypeError('createBot needs an idempotencyKey');
    return this.#json(
      {
        ...opts,
        method: 'POST',
        url: this.#url(`${API_PREFIX}/bot/`),
        body,
      },
      BotSchema,
    );
  }

  async retrieveBot(id: string, opts: CallOptions = {}): Promise<Bot> {
    return this.#json(
      {
        ...opts,
        method: 'GET',
        url: this.#url(`${API_PREFIX}/bot/${segment(id)}/`),
      },
      BotSchema,
    );
  }

  /** Follows `next` page by page; stops early when the consumer stops iterating. */
  async *listBots(filter: ListBotsFilter = {}, opts: CallOptions = {}): AsyncGenerator<Bot, void, undefined> {
    let url: URL | undefined = this.#url(`${API_PREFIX}/bot/`);
    for (const [key, value] of Object.entries(filter.metadata ?? {}))
      url.searchParams.append(`metadata__${key}`, value);
    for (const status of filter.status ?? []) url.searchParams.append('status', status);
    if (filter.joinAtAfter !== undefined) url.searchParams.set('join_at_after', isoDate(filter.joinAtAfter));
    if (filter.joinAtBefore !== undefined) url.searchParams.set('join_at_before', isoDate(filter.joinAtBefore));

    const seen = new Set<string>();
    while (url) {
      seen.add(url.href);
      const page: BotListPage = await this.#json({ ...opts, method: 'GET', url }, BotListPageSchema);
      yield* page.results;
      url = page.next === null ? undefined : this.#nextPage(page.next, url);
      if (url && seen.has(url.href)) {
        throw invalidResponse(this.#ctx('GET', url), 200, 'bot list pagination loops back to a page already read');
      }
    }
  }

  async listAllBots(filter: ListBotsFilter = {}, opts: CallOptions = {}): Promise<Bot[]> {
    const bots: Bot[] = [];
    for await (const bot of this.listBots(filter, opts)) bots.push(bot);
    return bots;
  }

  /** Irreversible. 400 `cannot_command_completed_bot` / `cannot_command_unstarted_bot` when not in a call. */
  async leaveCall(id: string, opts: CallOptions = {}): Promise<Bot> {
    return this.#json(
      {
        ...opts,
        method: 'POST',
        url: this.#url(`${API_PREFIX}/bot/${segment(id)}/leave_call/`),
      },
      BotSchema,
    );
  }

  /** Only for scheduled bots not yet dispatched (405 otherwise: use `leaveCall`). */
  async deleteBot(id: string, opts: CallOptions = {}): Promise<void> {
    await this.#send({ ...opts, method: 'DELETE', url: this.#url(`${API_PREFIX}/bot/${segment(id)}/`) });
  }

  async startRecording(id: string, body?: Record<string, unknown>, opts: CallOptions = {}): Promise<void> {
    await this.#send({
      ...opts,
      method: 'POST',
      url: this.#url(`${API_PREFIX}/bot/${segment(id)}/start_recording/`),
      body: body ?? {},
    });
  }

  async stopRecording(id: string, opts: CallOptions = {}): Promise<void> {
    await this.#send({ ...opts, method: 'POST', url: this.#url(`${API_PREFIX}/bot/${segment(id)}/stop_recording/`) });
  }

  /**
   * Posts in the meeting chat where the bot is now (a bot moved into a breakout room posts there).
   * 400 `cannot_command_unstarted_bot` / `cannot_command_completed_bot` when the bot is not in a call.
   */
  async sendChatMessage(id: string, body: SendChatMessageRequest, opts: IdempotentCallOptions = {}): Promise<void> {
    await this.#send({
      ...opts,
      method: 'POST',
      url: this.#url(`${API_PREFIX}/bot/${segment(id)}/send_chat_message/`),
      body,
    });
  }

  /**
   * Irreversible: deletes every recording, transcript and other media of the bot at Recall (its
   * metadata and meeting URL stay). Recall's answer is returned as it came, for deletion receipts.
   */
  async deleteMedia(id: string, opts: CallOptions = {}): Promise<VendorAnswer> {
    const { status, text } = await this.#send({
      ...opts,
      method: 'POST',
      url: this.#url(`${API_PREFIX}/bot/${segment(id)}/delete_media/`),
    });
    if (text === '') return { status, body: null };
    try {
      return { status, body: JSON.parse(text) as unknown };
    } catch {
      return { status, body: text.slice(0, 500) };
    }
  }

  // ---- Recordings and transcripts ----

  /** Download URLs inside expire after 6 hours: retrieve again rather than caching them. */
  async retrieveRecording(id: string, opts: CallOptions = {}): Promise<Recording> {
    return this.#json(
      {
        ...opts,
        method: 'GET',
        url: this.#url(`${API_PREFIX}/recording/${segment(id)}/`),
      },
      RecordingSchema,
    );
  }

  /** Async transcription; the artifact starts `processing`, then `transcript.done|failed` fires. */
  async createTranscript(
    recordingId: string,
    body: CreateTranscriptRequest,
    opts: IdempotentCallOptions = {},
  ): Promise<TranscriptArtifact> {
    return this.#json(
      {
        ...opts,
        method: 'POST',
        url: this.#url(`${API_PREFIX}/recording/${segment(recordingId)}/create_transcript/`),
        body,
      },
      TranscriptArtifactSchema,
    );
  }

  async retrieveTranscript(id: string, opts: CallOptions = {}): Promise<TranscriptArtifact> {
    return this.#json(
      {
        ...opts,
        method: 'GET',
        url: this.#url(`${API_PREFIX}/transcript/${segment(id)}/`),
      },
      TranscriptArtifactSchema,
    );
  }

  // ---- Media ----

  /**
   * Streams a pre-signed media URL. No Authorization header: the URL is the credential, and it
   * lives on a storage host, not on Recall's API. A 403 means the URL expired (they last 6 hours):
   * re-retrieve the bot or recording for a fresh one. Only https to public addresses, and no
   * redirects (undici's request follows none): see `downloadTargetProblem` in download.ts.
   */
  async download(url: string, opts: DownloadOptions): Promise<Download> {
    const target = new URL(url);
    if (!(opts.maxBytes >= 0)) throw new TypeError('download maxBytes must be a non-negative number');
    // Host and path only: the query string is the pre-signed signature.
    const ctx: CallContext = { method: 'GET', path: `${target.host}${target.pathname}` };
    const started = performance.now();
    const problem = downloadTargetProblem(target, this.#trustedMediaOrigin);
    if (problem) throw this.#logged(ctx, started, downloadRefused(ctx, problem));
    const dispatcher = target.origin === this.#trustedMediaOrigin ? this.#dispatcher : this.#mediaDispatcher;

    const idle = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const restartIdleTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), this.#timeoutMs);
    };
    const stopIdleTimer = () => clearTimeout(timer);
    const signal = opts.signal ? AbortSignal.any([opts.signal, idle.signal]) : idle.signal;
    const failure = (error: unknown): Error => {
      if (opts.signal?.aborted) return opts.signal.reason instanceof Error ? opts.signal.reason : new Error('aborted');
      if (error instanceof RecallApiError) return error;
      if (isRefusedLookup(error)) return downloadRefused(ctx, `${target.hostname} resolves to a non-public address`);
      return idle.signal.aborted ? timeoutError(ctx, this.#timeoutMs) : networkError(ctx, error, this.#redactor);
    };

    restartIdleTimer();
    let response: Dispatcher.ResponseData;
    try {
      response = await request(target, { method: 'GET', dispatcher, signal });
    } catch (error) {
      stopIdleTimer();
      throw this.#logged(ctx, started, failure(error));
    }
    const { statusCode, headers, body } = response;

    if (!isSuccess(statusCode)) {
      stopIdleTimer();
      // The body is discarded unread: S3 error documents can quote the signature.
      await body.dump().catch(() => undefined);
      const error =
        statusCode === 403
          ? new RecallApiError({
              ...ctx,
              status: 403,
              code: RecallErrorCode.downloadUrlExpired,
              detail: 'media URL refused (pre-signed URLs expire after 6 hours); retrieve the bot again',
            })
          : errorFromResponse(ctx, statusCode, headers, '', this.#redactor);
      throw this.#logged(ctx, started, error);
    }

    const lengthHeader = headers['content-length'];
    const contentLength =
      typeof lengthHeader === 'string' && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    if (contentLength !== undefined && contentLength > opts.maxBytes) {
      stopIdleTimer();
      // Destroying an undici body makes it emit an abort error that nobody else would handle.
      body.on('error', () => undefined).destroy();
      throw this.#logged(ctx, started, tooLargeError(ctx, opts.maxBytes, statusCode));
    }
    this.#log.debug(
      { ...ctx, status: statusCode, contentLength, durationMs: elapsed(started) },
      'recall download started',
    );

    const limited = sizeLimitedStream({
      source: body,
      maxBytes: opts.maxBytes,
      ctx,
      status: statusCode,
      onProgress: restartIdleTimer,
      mapError: failure,
      onClose: stopIdleTimer,
    });
    return contentLength === undefined ? { body: limited } : { body: limited, contentLength };
  }

  // ---- Plumbing ----

  #url(path: string): URL {
    return new URL(`${this.baseUrl}${path}`);
  }

  #ctx(method: string, url: URL): CallContext {
    return { method, path: url.pathname };
  }

  /**
   * `next` is followed verbatim for its path and query, but always on the configured origin: the
   * API key must never be sent to a host named by a response.
   */
  #nextPage(next: string, current: URL): URL {
    let parsed: URL;
    try {
      parsed = new URL(next, current);
    } catch {
      throw invalidResponse(this.#ctx('GET', current), 200, 'bot list `next` is not a URL');
    }
    return new URL(`${parsed.pathname}${parsed.search}`, new URL(this.baseUrl).origin);
  }

  async #json<T>(call: ApiCall, schema: z.ZodType<T>): Promise<T> {
    const { ctx, started, status, text } = await this.#send(call);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw this.#logged(ctx, started, invalidResponse(ctx, status, 'response body is not JSON'));
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw this.#logged(ctx, started, invalidResponse(ctx, status, describeIssues(parsed.error)));
    return parsed.data;
  }

  /** One HTTP exchange with the API; anything but a 2xx becomes a RecallApiError. */
  async #send(call: ApiCall): Promise<Exchange> {
    const ctx = this.#ctx(call.method, call.url);
    const started = performance.now();
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, deadline]) : deadline;
    const headers: Record<string, string> = {
      authorization: `Token ${this.#apiKey}`,
      accept: 'application/json',
    };
    // Recall's WAF rejects GETs that carry a body, even an empty JSON one.
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;

    let status: number;
    let responseHeaders: Dispatcher.ResponseData['headers'];
    let text: string;
    try {
      const response = await request(call.url, {
        method: call.method,
        headers,
        body: call.body === undefined ? null : JSON.stringify(call.body),
        dispatcher: this.#dispatcher,
        signal,
      });
      status = response.statusCode;
      responseHeaders = response.headers;
      text = await response.body.text();
    } catch (error) {
      call.signal?.throwIfAborted();
      throw this.#logged(
        ctx,
        started,
        deadline.aborted ? timeoutError(ctx, this.#timeoutMs) : networkError(ctx, error, this.#redactor),
      );
    }

    if (!isSuccess(status)) {
      throw this.#logged(ctx, started, errorFromResponse(ctx, status, responseHeaders, text, this.#redactor));
    }
    this.#log.debug({ ...ctx, status, durationMs: elapsed(started) }, 'recall request');
    return { ctx, started, status, text };
  }

  #logged(ctx: CallContext, started: number, error: Error): Error {
    if (error instanceof RecallApiError) {
      this.#log.debug(
        { ...ctx, status: error.status, code: error.code, retryable: error.retryable, durationMs: elapsed(started) },
        'recall request failed',
      );
    }
    return error;
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
