/**
 * Webhook ingest: signed webhooks per second through the receiver process into workflow signals,
 * against direct client signals to the same workflows in the same run, rounds alternating so both
 * see the same noise. The targets are signal sinks (the receiver tests' fixture) that count every
 * signal, so a lost one shows.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { RecallEvent } from '../../src/contracts';
import { recallEventSignal, leaveSignal } from '../../src/contracts/messages';
import { eventsQuery } from '../../test/integration/receiver-fixtures/signal-sink';
import { median, percentile, round, type ScenarioResult } from '../support/figures';
import { cpuSeconds } from '../support/cpu';
import { startProcessStack } from '../support/process-stack';

export interface IngestOptions {
  buildDir: string;
  /** Deliveries per round and path. */
  perRound: number;
  rounds: number;
  concurrency: number;
  sinks: number;
}

interface Round {
  perSecond: number;
  latenciesMs: number[];
  failures: number;
}

/** Sends `count` items through `send`, `concurrency` at a time, timing each. */
async function drive(count: number, concurrency: number, send: (i: number) => Promise<void>): Promise<Round> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        try {
          await send(i);
          latenciesMs.push(performance.now() - t);
        } catch {
          failures++;
        }
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), latenciesMs, failures };
}

let runtimeInstalled = false;

export async function webhookIngest(options: IngestOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const stack = await startProcessStack({ buildDir: options.buildDir });
  if (!runtimeInstalled) Runtime.install({ logger: new DefaultLogger('WARN') });
  runtimeInstalled = true;
  const connection = await NativeConnection.connect({ address: stack.address });
  const sinkQueue = `${stack.taskQueue}-sinks`;
  const worker = await Worker.create({
    connection,
    taskQueue: sinkQueue,
    workflowsPath: require.resolve('../../test/integration/receiver-fixtures/signal-sink'),
  });
  const running = worker.run();
  const agent = new Agent({ connections: options.concurrency });
  try {
    await stack.startReceiver();
    const sinkIds = Array.from({ length: options.sinks }, (_, i) => `ingest-sink-${i}`);
    for (const id of sinkIds) await stack.client.workflow.start('signalSink', { taskQueue: sinkQueue, workflowId: id });
    const webhook = new Webhook(stack.webhookSecret);

    const viaReceiver = async (i: number) => {
      const workflowId = sinkIds[i % sinkIds.length]!;
      const body = JSON.stringify({
        event: 'bot.in_call_recording',
        data: {
          data: { code: 'in_call_recording', sub_code: null, updated_at: new Date().toISOString() },
          bot: { id: `bot-${i}`, metadata: { workflowId } },
        },
      });
      const id = `msg_${randomUUID()}`;
      const timestamp = new Date();
      const res = await request(stack.receiverUrl, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': webhook.sign(id, timestamp, body),
        },
        body,
      });
      await res.body.dump();
      if (res.statusCode >= 300) throw new Error(`receiver answered ${res.statusCode}`);
    };
    const direct = async (i: number) => {
      const event: RecallEvent = {
        eventId: `direct-${randomUUID()}`,
        event: 'bot.in_call_recording',
        botId: `bot-${i}`,
        code: 'in_call_recording',
        subCode: null,
        at: new Date().toISOString(),
        source: 'webhook',
      };
      await stack.client.workflow.getHandle(sinkIds[i % sinkIds.length]!).signal(recallEventSignal, event);
    };

    // A warm-up round of each, not counted: connections, JIT, the sinks' first tasks.
    await drive(200, options.concurrency, viaReceiver);
    await drive(200, options.concurrency, direct);
    const receiverRounds: Round[] = [];
    const directRounds: Round[] = [];
    // Where the CPU goes on each path (the machine has 2 cores for all of it).
    const cpu = { receiver: new Map<string, number>(), direct: new Map<string, number>() };
    const measured = async (into: Map<string, number>, run: () => Promise<Round>) => {
      const pids = { server: stack.serverPid(), receiver: stack.receiver?.child.pid };
      const before = {
        server: cpuSeconds(pids.server),
        receiver: cpuSeconds(pids.receiver),
        driver: process.cpuUsage(),
      };
      const round = await run();
      const driver = process.cpuUsage(before.driver);
      into.set('server', (into.get('server') ?? 0) + cpuSeconds(pids.server) - before.server);
      into.set('receiver', (into.get('receiver') ?? 0) + cpuSeconds(pids.receiver) - before.receiver);
      into.set('driver+sinks', (into.get('driver+sinks') ?? 0) + (driver.user + driver.system) / 1e6);
      return round;
    };
    for (let r = 0; r < options.rounds; r++) {
      directRounds.push(await measured(cpu.direct, () => drive(options.perRound, options.concurrency, direct)));
      receiverRounds.push(
        await measured(cpu.receiver, () => drive(options.perRound, options.concurrency, viaReceiver)),
      );
    }
    const perThousand = (m: Map<string, number>) =>
      [...m].map(([name, s]) => `${name} ${round((s / (options.rounds * options.perRound)) * 1000, 1)}`).join(', ');
    const sent = 400 + 2 * options.rounds * options.perRound;
    let received = 0;
    for (const id of sinkIds) received += (await stack.client.workflow.getHandle(id).query(eventsQuery)).length;
    for (const id of sinkIds) await stack.client.workflow.getHandle(id).signal(leaveSignal);

    const rate = (rounds: Round[]) => median(rounds.map((r) => r.perSecond));
    const latencies = (rounds: Round[]) => rounds.flatMap((r) => r.latenciesMs);
    const ratio = rate(receiverRounds) / rate(directRounds);
    const failures = [...receiverRounds, ...directRounds].reduce((n, r) => n + r.failures, 0);
    const lost = sent - received;
    return {
      scenario: 'webhook-ingest',
      seconds: round((Date.now() - started) / 1000, 0),
      parameters: { ...options },
      figures: [
        {
          scenario: 'webhook-ingest',
          name: 'receiver webhooks/s (median)',
          value: round(rate(receiverRounds), 0),
          unit: '/s',
        },
        {
          scenario: 'webhook-ingest',
          name: 'direct signals/s (median)',
          value: round(rate(directRounds), 0),
          unit: '/s',
        },
        {
          scenario: 'webhook-ingest',
          name: 'receiver / direct',
          value: round(ratio),
          unit: 'ratio',
          goal: '>= 0.8',
          met: ratio >= 0.8,
          note: `rounds: ${receiverRounds.map((r) => round(r.perSecond, 0)).join(', ')} vs ${directRounds.map((r) => round(r.perSecond, 0)).join(', ')}`,
        },
        {
          scenario: 'webhook-ingest',
          name: 'CPU s per 1000 deliveries',
          value: `receiver path ${round(([...cpu.receiver.values()].reduce((a, b) => a + b, 0) / (options.rounds * options.perRound)) * 1000, 1)}, direct ${round(([...cpu.direct.values()].reduce((a, b) => a + b, 0) / (options.rounds * options.perRound)) * 1000, 1)}`,
          unit: 's',
          note: `receiver path: ${perThousand(cpu.receiver)}; direct: ${perThousand(cpu.direct)}`,
        },
        {
          scenario: 'webhook-ingest',
          name: 'receiver p50 / p99',
          value: `${round(percentile(latencies(receiverRounds), 50), 1)} / ${round(percentile(latencies(receiverRounds), 99), 1)}`,
          unit: 'ms',
        },
        {
          scenario: 'webhook-ingest',
          name: 'direct p50 / p99',
          value: `${round(percentile(latencies(directRounds), 50), 1)} / ${round(percentile(latencies(directRounds), 99), 1)}`,
          unit: 'ms',
        },
        {
          scenario: 'webhook-ingest',
          name: 'lost (sent - signalled)',
          value: lost,
          unit: 'count',
          goal: '0',
          met: lost === 0 && failures === 0,
          note: `${sent} sent, ${received} signals in the sinks, ${failures} failed requests`,
        },
      ],
    };
  } finally {
    await agent.close();
    worker.shutdown();
    await running.catch(() => undefined);
    await connection.close();
    await stack.close();
  }
}
