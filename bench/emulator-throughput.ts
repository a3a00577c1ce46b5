/**
 * Emulator throughput: drives many bots through complete lifecycles (create → join → breakout room →
 * record → host ends the meeting → done → media → transcript.done) over HTTP, with signed webhooks to a
 * local sink that verifies every signature, and prints lifecycles per minute and webhooks per second.
 * The host ends each meeting a fixed emulated time after all its bots reached their rooms, so slow
 * creates under load shorten nothing and never make a bot miss its meeting.
 *
 *   npx tsx bench/emulator-throughput.ts            # BENCH_BOTS=3000 BENCH_MEETINGS_IN_FLIGHT=30
 *
 * The sink runs in a worker thread, so the emulator has the main thread to itself, as it would
 * beside a real receiver on a 2-core machine. Figures go to data/bench/emulator-throughput.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { type MeetingSpec, startEmulator } from '../src/emulator';

const BOTS = Number(process.env.BENCH_BOTS ?? 3000);
const IN_FLIGHT = Number(process.env.BENCH_MEETINGS_IN_FLIGHT ?? 30);
const ROOMS = 10;
const TIME_SCALE = 120;
/** Emulated seconds the bots record in their rooms before the host ends the meeting. */
const RECORD_SECONDS = 30;
const API_KEY = 'bench-key';
const SECRET = `whsec_${Buffer.from('bench-secret-bench-secret-32byte').toString('base64')}`;

// Plain JS: the sink verifies each signature and reports the milestones the driver waits for.
const SINK = `
const { parentPort, workerData } = require('node:worker_threads');
const { createServer } = require('node:http');
const { Webhook } = require('standardwebhooks');
const wh = new Webhook(workerData.secret);
let received = 0, invalid = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    try { wh.verify(raw, req.headers); } catch { invalid++; res.writeHead(401).end(); return; }
    received++;
    const body = JSON.parse(raw);
    if (['bot.breakout_room_entered', 'transcript.done', 'bot.fatal'].includes(body.event)) {
      parentPort.postMessage({ event: body.event, botId: body.data.bot.id });
    }
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 10000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => { if (m === 'stats') parentPort.postMessage({ received, invalid }); });
`;

function meetingSpec(): MeetingSpec {
  return {
    // A safety net only: the driver ends the meeting.
    durationSeconds: 3600,
    mainRoom: [{ name: 'Host', isHost: true, lines: ['welcome back everyone'] }],
    breakoutRooms: Array.from({ length: ROOMS }, (_, i) => ({
      name: `Room ${i + 1}`,
      participants: [
        { name: `A${i}`, lines: ['first line here', 'second line here'] },
        { name: `B${i}`, lines: ['a reply to that'] },
      ],
    })),
  };
}

async function main(): Promise<void> {
  const sink = new Worker(SINK, { eval: true, workerData: { secret: SECRET } });
  const milestones = new Milestones();
  const port = await new Promise<number>((resolve) => {
    sink.on('message', (m: { port?: number; event?: string; botId?: string }) => {
      if (m.port) resolve(m.port);
      if (m.event && m.botId) milestones.reached(m.event, m.botId);
    });
  });
  const emulator = await startEmulator({
    apiKey: API_KEY,
    webhookSecret: SECRET,
    webhookUrls: [`http://127.0.0.1:${port}/webhooks/recall`],
    timeScale: TIME_SCALE,
    rateLimits: { create: 0, list: 0, default: 0 },
  });
  const client = new Agent({ connections: 32 });
  let remaining = BOTS;
  let completed = 0;
  let failed = 0;
  const runMeeting = async (): Promise<void> => {
    while (remaining > 0) {
      const count = Math.min(ROOMS, remaining);
      remaining -= count;
      const meeting = emulator.createMeeting(meetingSpec());
      const ids = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const res = await request(`${emulator.baseUrl}/api/v1/bot/`, {
            method: 'POST',
            dispatcher: client,
            headers: { authorization: `Token ${API_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              meeting_url: meeting.url,
              bot_name: `BreakoutBot-${i + 1}`,
              recording_config: { transcript: { provider: { recallai_streaming: {} } } },
              metadata: { meeting: meeting.id, room: String(i + 1) },
            }),
          });
          const bot = (await res.body.json()) as { id: string };
          if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode}`);
          return bot.id;
        }),
      );
      const inRooms = await Promise.all(
        ids.map((id) => milestones.first(id, 'bot.breakout_room_entered', 'bot.fatal')),
      );
      await new Promise((resolve) => setTimeout(resolve, (RECORD_SECONDS * 1000) / TIME_SCALE));
      meeting.end();
      const outcomes = await Promise.all(
        ids.map(
          async (id, i) =>
            inRooms[i] === 'bot.breakout_room_entered' &&
            (await milestones.first(id, 'transcript.done', 'bot.fatal')) === 'transcript.done',
        ),
      );
      completed += outcomes.filter(Boolean).length;
      failed += outcomes.filter((ok) => !ok).length;
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, runMeeting));
  const seconds = (performance.now() - started) / 1000;
  const stats = await new Promise<{ received: number; invalid: number }>((resolve) => {
    sink.on('message', (m: { received?: number; invalid?: number }) => {
      if (m.received !== undefined) resolve({ received: m.received, invalid: m.invalid ?? 0 });
    });
    sink.postMessage('stats');
  });
  const deliveries = emulator.audit.webhookDeliveries();
  const failedAttempts = deliveries.filter((d) => d.status !== 204).length;
  const bots = emulator.audit.bots();
  const allDone = failed === 0 && bots.every((b) => b.statuses.at(-1)?.code === 'done' && b.recordings.length === 1);

  const result = {
    bots: completed,
    failedBots: failed,
    seconds: Number(seconds.toFixed(2)),
    lifecyclesPerMinute: Math.round((completed / seconds) * 60),
    webhooksPerSecond: Math.round(stats.received / seconds),
    webhooksReceived: stats.received,
    webhooksPerBot: Number((stats.received / completed).toFixed(1)),
    invalidSignatures: stats.invalid,
    failedDeliveryAttempts: failedAttempts,
    allBotsDoneWithOneRecording: allDone,
    meetingsInFlight: IN_FLIGHT,
    timeScale: TIME_SCALE,
    emulatedRecordingSeconds: RECORD_SECONDS,
    cpus: cpus().length,
    node: process.version,
    at: new Date().toISOString(),
  };
  console.log(
    `emulator: ${result.lifecyclesPerMinute} complete bot lifecycles/min, ${result.webhooksPerSecond} webhooks/s`,
  );
  console.log(JSON.stringify(result, null, 2));
  await mkdir('data/bench', { recursive: true });
  await writeFile('data/bench/emulator-throughput.json', `${JSON.stringify(result, null, 2)}\n`);

  await client.close();
  await emulator.close();
  await sink.terminate();
  if (!allDone || stats.invalid > 0) process.exitCode = 1;
}

/** Webhook milestones per bot, whether they arrive before or after someone waits for them. */
class Milestones {
  private readonly seen = new Map<string, Set<string>>();
  private readonly waiters = new Map<string, (() => void)[]>();

  reached(event: string, botId: string): void {
    let events = this.seen.get(botId);
    if (!events) this.seen.set(botId, (events = new Set()));
    events.add(event);
    for (const wake of this.waiters.get(botId) ?? []) wake();
  }

  /** The first of `events` the bot reaches. */
  first(botId: string, ...events: string[]): Promise<string> {
    return new Promise((resolve) => {
      const check = () => {
        const hit = events.find((e) => this.seen.get(botId)?.has(e));
        if (!hit) return false;
        this.waiters.set(
          botId,
          (this.waiters.get(botId) ?? []).filter((w) => w !== check),
        );
        resolve(hit);
        return true;
      };
      if (!check()) this.waiters.set(botId, [...(this.waiters.get(botId) ?? []), check]);
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
