/**
 * `npm run bench`: every scenario, one after another, on a production build of the service; the
 * figures go to stdout as a table and to data/bench/results.json, with the machine they ran on.
 *
 *   BENCH_ONLY=fan-out,recovery npm run bench      # some scenarios; the others keep their last figures
 *   BENCH_CAPACITY_MEETINGS=100 BENCH_CAPACITY_ROOMS=20 npm run bench
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { buildForBench } from './support/build';
import type { ScenarioResult } from './support/figures';
import { machine } from './support/machine';
import { capacity } from './scenarios/capacity';
import { cost } from './scenarios/cost';
import { emulatorHeadroom } from './scenarios/emulator-headroom';
import { fanOut } from './scenarios/fan-out';
import { recovery } from './scenarios/recovery';
import { webhookIngest } from './scenarios/webhook-ingest';

const RESULTS = 'data/bench/results.json';
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const SCENARIOS: Record<string, (buildDir: string) => Promise<ScenarioResult> | ScenarioResult> = {
  'fan-out': (buildDir) =>
    fanOut({ buildDir, rooms: env('BENCH_FANOUT_ROOMS', 100), createRatePerMinute: env('BENCH_CREATE_RATE', 60) }),
  'webhook-ingest': (buildDir) =>
    webhookIngest({ buildDir, perRound: env('BENCH_INGEST_PER_ROUND', 1500), rounds: 3, concurrency: 16, sinks: 20 }),
  capacity: (buildDir) =>
    capacity({
      buildDir,
      meetings: env('BENCH_CAPACITY_MEETINGS', 100),
      roomsPerMeeting: env('BENCH_CAPACITY_ROOMS', 20),
      sampledHistories: 50,
      boundSeconds: env('BENCH_CAPACITY_BOUND_SECONDS', 900),
      ...(process.env.BENCH_CAPACITY_CACHE ? { maxCachedWorkflows: env('BENCH_CAPACITY_CACHE', 500) } : {}),
      ...(process.env.BENCH_CAPACITY_NODE_OPTIONS !== undefined
        ? { nodeOptions: process.env.BENCH_CAPACITY_NODE_OPTIONS }
        : {}),
      ...(process.env.BENCH_STICKY_TIMEOUT
        ? { workerEnv: { STICKY_QUEUE_TIMEOUT_SECONDS: process.env.BENCH_STICKY_TIMEOUT } }
        : {}),
    }),
  recovery: (buildDir) =>
    recovery({
      buildDir,
      rooms: 20,
      kills: 3,
      ...(process.env.BENCH_STICKY_TIMEOUT ? { stickyTimeoutSeconds: env('BENCH_STICKY_TIMEOUT', 3) } : {}),
    }),
  cost: (buildDir) => cost({ buildDir, rooms: 6, meetingSeconds: 90 }),
  'emulator-headroom': () => emulatorHeadroom({ bots: env('BENCH_EMULATOR_BOTS', 1000) }),
};

function table(results: ScenarioResult[]): string {
  const rows = results.flatMap((r) =>
    r.figures.map((f) => [
      f.scenario,
      f.name,
      `${f.value} ${f.unit}`,
      f.goal ?? '',
      f.met === undefined ? '' : f.met ? 'met' : 'MISSED',
    ]),
  );
  const header = ['scenario', 'figure', 'value', 'goal', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const notes = results.flatMap((r) =>
    r.figures.filter((f) => f.note).map((f) => `  ${f.scenario} / ${f.name}: ${f.note}`),
  );
  return [line(header), ...rows.map(line), '', 'Notes:', ...notes].join('\n');
}

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const names = Object.keys(SCENARIOS).filter((name) => !only || only.includes(name));
  const buildDir = await buildForBench((line) => console.error(line));
  const fresh: ScenarioResult[] = [];
  for (const name of names) {
    console.error(`-- ${name}`);
    const result = await SCENARIOS[name]!(buildDir);
    console.error(`   ${result.seconds} s`);
    fresh.push(result);
  }
  const previous = existsSync(RESULTS)
    ? (
        JSON.parse(readFileSync(RESULTS, 'utf8')) as {
          scenarios: (ScenarioResult & { machine: unknown; at: string })[];
        }
      ).scenarios
    : [];
  const at = new Date().toISOString();
  // The build directory is this checkout's, not a parameter of the figure.
  const stamped = fresh.map(({ parameters: { buildDir: _dir, ...parameters }, ...r }) => ({
    ...r,
    parameters,
    machine: machine(),
    at,
  }));
  const scenarios = Object.keys(SCENARIOS).flatMap(
    (name) => stamped.find((r) => r.scenario === name) ?? previous.filter((r) => r.scenario === name),
  );
  await mkdir('data/bench', { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify({ scenarios }, null, 2)}\n`);
  const m = machine();
  console.log(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`);
  console.log(table(scenarios));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
