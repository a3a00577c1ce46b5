import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { type Emulator, type EmulatorOptions, type MeetingSpec, startEmulator } from '../../src/emulator';
import { waitFor } from '../support/wait';

export { waitFor };

export const API_KEY = 'test-api-key';
export const SECRET = `whsec_${Buffer.from('emulator-test-secret-0123456789').toString('base64')}`;
/** Fast enough that a minute-long meeting takes well under a second. */
export const TIME_SCALE = 100;

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: string;
  event: string;
  data: {
    data: {
      code?: string;
      sub_code?: string | null;
      updated_at?: string;
      breakout_room?: { id: string; name: string };
    };
    bot?: { id: string; metadata: Record<string, string> };
    recording?: { id: string };
    transcript?: { id: string };
  };
}

/** A local webhook receiver that records everything and can answer 500 to the first N requests. */
export class Sink {
  readonly received: ReceivedWebhook[] = [];
  failFirst = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (raw += c));
      req.on('end', () => {
        if (this.failFirst > 0) {
          this.failFirst--;
          res.writeHead(500).end('nope');
          return;
        }
        const parsed = JSON.parse(raw) as { event: string; data: ReceivedWebhook['data'] };
        this.received.push({ headers: req.headers, raw, event: parsed.event, data: parsed.data });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/recall`;
    return this;
  }

  forBot(botId: string): ReceivedWebhook[] {
    return this.received.filter((w) => w.data.bot?.id === botId);
  }

  events(botId: string): string[] {
    return this.forBot(botId).map((w) => w.event);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface Harness {
  emulator: Emulator;
  sink: Sink;
  close(): Promise<void>;
}

export async function harness(options: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const sink = await new Sink().start();
  const emulator = await startEmulator({
    apiKey: API_KEY,
    webhookSecret: SECRET,
    webhookUrls: [sink.url],
    timeScale: TIME_SCALE,
    rateLimits: { create: 0, list: 0, default: 0 },
    ...options,
  });
  return {
    emulator,
    sink,
    close: async () => {
      await emulator.close();
      await sink.close();
    },
  };
}

export interface ApiReply<T = Record<string, unknown>> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
}

/** Calls the emulator like a Recall client would. */
export async function api<T = Record<string, unknown>>(
  emulator: Emulator,
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiReply<T>> {
  const res = await request(`${emulator.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Token ${API_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export interface BotJson {
  id: string;
  bot_name: string;
  meeting_url: { meeting_id: string; meeting_password: string | null; platform: string };
  join_at: string | null;
  status_changes: { code: string; sub_code: string | null; created_at: string; message: null }[];
  recordings: RecordingJson[];
  metadata: Record<string, string>;
}

export interface RecordingJson {
  id: string;
  status: { code: string };
  media_shortcuts: {
    video_mixed: { data: { download_url: string | null } };
    transcript: { id: string; status: { code: string }; data: { download_url: string | null } } | null;
    participant_events: {
      data: {
        participant_events_download_url: string | null;
        speaker_timeline_download_url: string | null;
        participants_download_url: string | null;
      };
    };
    meeting_metadata: { data: { title: string; download_url?: string } };
  };
}

export async function createBot(
  emulator: Emulator,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return api<BotJson>(emulator, 'POST', '/api/v1/bot/', body, headers);
}

export async function getBot(emulator: Emulator, id: string): Promise<BotJson> {
  const res = await api<BotJson>(emulator, 'GET', `/api/v1/bot/${id}/`);
  if (res.status !== 200) throw new Error(`GET bot ${id}: ${res.status}`);
  return res.body;
}

export function codes(bot: BotJson): string[] {
  return bot.status_changes.map((s) => (s.sub_code ? `${s.code}:${s.sub_code}` : s.code));
}

/** Waits until the bot's status_changes end with `code`. */
export async function waitForStatus(emulator: Emulator, id: string, code: string): Promise<BotJson> {
  return waitFor(`bot ${id} status ${code}`, async () => {
    const bot = await getBot(emulator, id);
    return bot.status_changes.some((s) => s.code === code) ? bot : undefined;
  });
}

/** Waits until the audit log says the bot's recordings and transcripts have all been delivered. */
export async function waitForEvent(sink: Sink, botId: string, event: string): Promise<ReceivedWebhook> {
  return waitFor(`${event} for ${botId}`, () => sink.forBot(botId).find((w) => w.event === event));
}

export async function download(
  url: string,
): Promise<{ status: number; body: Buffer; contentType: string | undefined }> {
  const res = await request(url);
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, body, contentType: res.headers['content-type'] as string | undefined };
}

/** Three rooms with people talking, a host in the main room. */
export function meetingSpec(overrides: Partial<MeetingSpec> = {}): MeetingSpec {
  return {
    durationSeconds: 600,
    mainRoom: [{ name: 'Hana Host', isHost: true, lines: ['welcome everyone to the workshop'] }],
    breakoutRooms: [
      {
        name: 'Room 1',
        participants: [
          { name: 'Ann', lines: ['alpha one', 'alpha two'] },
          { name: 'Bob', lines: ['bravo one'] },
        ],
      },
      { name: 'Room 2', participants: [{ name: 'Cy', lines: ['charlie one', 'charlie two'] }] },
      { name: 'Room 3', participants: [{ name: 'Di', lines: ['delta one'] }] },
    ],
    ...overrides,
  };
}

/** Waits until `seconds` have passed on the emulator's clock (however loaded the machine is). */
export async function emulatedDelay(emulator: Emulator, seconds: number): Promise<void> {
  const until = emulator.now() + seconds * 1000;
  await waitFor(`${seconds} emulated seconds`, () => emulator.now() >= until);
}

/** Calls the emulator's control API: a GET without a body, a POST with one. */
export async function control<T = Record<string, unknown>>(baseUrl: string, path: string, body?: unknown) {
  const res = await request(`${baseUrl}/_emulator${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
}
