/**
 * A small HTTP server standing in for the two things collection talks to: Recall's
 * `GET /api/v1/bot/:id/` (the v1.11 bot JSON, recordings with media shortcuts) and the media
 * storage behind the pre-signed download URLs, where each file can be given faults, one per GET.
 * The project's emulator does the meeting side; this one only needs to fail downloads on demand.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type MediaFault =
  | { type: 'status'; status: number }
  | { type: 'reset'; afterBytes: number }
  | { type: 'short_body' }
  /** Sends the headers and half the body, then nothing, until the server closes. */
  | { type: 'stall' }
  /** 403, as S3 answers a pre-signed URL past its expiry. */
  | { type: 'expired' };

export const FILES = [
  'video.mp4',
  'transcript.json',
  'participants.json',
  'participant_events.json',
  'speaker_timeline.json',
];

interface RecordingSpec {
  id: string;
  status?: string;
  /** Overrides per media shortcut: a status code, or null for "not configured". */
  media?: Partial<Record<'video_mixed' | 'transcript' | 'participant_events', string | null>>;
  /** Files whose download URL Recall leaves out. */
  withoutUrl?: string[];
}

export class FakeRecall {
  readonly files = new Map<string, Buffer>();
  readonly faults = new Map<string, MediaFault[]>();
  /** Media paths in the order they were requested. */
  readonly gets: string[] = [];
  retrieves = 0;
  url = '';
  /** Where download URLs point; by default this server. */
  mediaBase = '';
  readonly #bots = new Map<string, RecordingSpec[]>();
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const bot = /^\/api\/v1\/bot\/([^/]+)\/$/.exec(url.pathname);
      if (bot) {
        this.retrieves += 1;
        const recordings = this.#bots.get(bot[1]!);
        if (!recordings) return void res.writeHead(404).end('{"detail":"Not found."}');
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(this.#botJson(bot[1]!, recordings)));
        return;
      }
      const path = url.pathname.slice('/media/'.length);
      this.gets.push(path);
      const body = this.files.get(path);
      if (!url.pathname.startsWith('/media/') || !body) return void res.writeHead(404).end();
      this.#serve(res, body, this.faults.get(path)?.shift());
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** A bot whose recordings are done, each with every media file holding `size` random bytes (video). */
  addBot(botId: string, recordings: RecordingSpec[], size = 64 * 1024): void {
    this.#bots.set(botId, recordings);
    for (const recording of recordings) {
      for (const file of FILES) {
        this.files.set(`${botId}/${recording.id}/${file}`, randomBytes(file === 'video.mp4' ? size : 2048));
      }
    }
  }

  fault(botId: string, recordingId: string, file: string, ...faults: MediaFault[]): void {
    this.faults.set(`${botId}/${recordingId}/${file}`, faults);
  }

  sha256(botId: string, recordingId: string, file: string): string {
    return createHash('sha256')
      .update(this.files.get(`${botId}/${recordingId}/${file}`)!)
      .digest('hex');
  }

  getsOf(file: string): number {
    return this.gets.filter((p) => p.endsWith(`/${file}`)).length;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  #serve(res: ServerResponse, body: Buffer, fault: MediaFault | undefined): void {
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(body.length) };
    switch (fault?.type) {
      case undefined:
        res.writeHead(200, headers).end(body);
        return;
      case 'status':
        res.writeHead(fault.status).end('<Error><Code>SlowDown</Code></Error>');
        return;
      case 'expired':
        res.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
        return;
      case 'reset':
        res.writeHead(200, headers);
        res.write(body.subarray(0, fault.afterBytes), () => res.socket?.resetAndDestroy());
        return;
      case 'short_body':
        res.writeHead(200, headers);
        res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroySoon());
        return;
      case 'stall':
        res.writeHead(200, headers);
        res.write(body.subarray(0, body.length >> 1));
        return;
    }
  }

  #botJson(botId: string, recordings: RecordingSpec[]) {
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 10, i)).toISOString();
    const url = (recordingId: string, file: string, spec: RecordingSpec) =>
      spec.withoutUrl?.includes(file)
        ? null
        : `${this.mediaBase || this.url}/media/${botId}/${recordingId}/${file}?X-Amz-Signature=s${this.retrieves}`;
    const media = (spec: RecordingSpec, name: keyof NonNullable<RecordingSpec['media']>, data: object) => {
      const code = spec.media && name in spec.media ? spec.media[name] : 'done';
      if (code === null) return null;
      return {
        id: `${name}-${spec.id}`,
        created_at: at(0),
        status: { code, sub_code: null, updated_at: at(1) },
        data: code === 'done' ? data : null,
      };
    };
    return {
      id: botId,
      bot_name: 'BreakoutBot-1',
      meeting_url: { platform: 'zoom', meeting_id: '123' },
      join_at: null,
      metadata: {},
      status_changes: [{ code: 'done', sub_code: null, created_at: at(30), message: null }],
      recordings: recordings.map((spec, i) => ({
        id: spec.id,
        created_at: at(i * 10),
        started_at: at(i * 10),
        completed_at: at(i * 10 + 5),
        expires_at: null,
        status: {
          code: spec.status ?? 'done',
          sub_code: spec.status === 'failed' ? 'recording_failed' : null,
          updated_at: at(29),
        },
        media_shortcuts: {
          video_mixed: media(spec, 'video_mixed', { download_url: url(spec.id, 'video.mp4', spec) }),
          transcript: media(spec, 'transcript', {
            download_url: url(spec.id, 'transcript.json', spec),
            provider_data_download_url: null,
          }),
          participant_events: media(spec, 'participant_events', {
            participants_download_url: url(spec.id, 'participants.json', spec),
            participant_events_download_url: url(spec.id, 'participant_events.json', spec),
            speaker_timeline_download_url: url(spec.id, 'speaker_timeline.json', spec),
          }),
          meeting_metadata: {
            id: `mm-${spec.id}`,
            created_at: at(0),
            status: { code: 'done', sub_code: null, updated_at: at(1) },
            data: { title: 'Workshop', zoom: { meeting_uuid: 'uuid==' } },
          },
        },
      })),
    };
  }
}
