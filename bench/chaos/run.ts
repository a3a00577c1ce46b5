/**
 * `npm run chaos`: chaos runs, one seed after another, each on a fresh stack; a table per seed and a
 * table of totals. Exits non-zero when any seed violated anything.
 *   npm run chaos                      # seed 1 (or CHAOS_SEED)
 *   npm run chaos -- --seeds 1..20     # the README's table
 *   npm run chaos -- --seeds 3,7       # some seeds again
 *   CHAOS_MEETINGS=3 CHAOS_ROOMS=4 CHAOS_SECONDS=60 npm run chaos -- --seeds 1..5
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { chaosTable, notExercisedLines, seedsTable } from './report';
import { runChaos, type ChaosOutcome } from './scenario';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** `7`, `1..20` or `1,4,9`. */
function parseSeeds(spec: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(spec);
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (to < from) throw new Error(`--seeds ${spec}: the range is empty`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  const seeds = spec.split(',').map((s) => Number(s.trim()));
  if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds ${spec}: give N, A..B or A,B,C`);
  return seeds;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seeds: { type: 'string' } } });
  const seeds = parseSeeds(values.seeds ?? process.env.CHAOS_SEED ?? '1');
  const outcomes: ChaosOutcome[] = [];
  await mkdir('data/bench', { recursive: true });
  for (const seed of seeds) {
    const outcome = await runChaos(
      {
        seed,
        meetings: env('CHAOS_MEETINGS', 2),
        roomsPerMeeting: env('CHAOS_ROOMS', 3),
        meetingSeconds: env('CHAOS_SECONDS', 30),
        timeScale: 20,
        workers: env('CHAOS_WORKERS', 2),
        workerKills: env('CHAOS_WORKER_KILLS', 2),
        botCrashes: env('CHAOS_BOT_CRASHES', 1),
        temporalKills: env('CHAOS_TEMPORAL_KILLS', 1),
        webhookFaultRate: 0.1,
        mediaFaults: true,
        longStalls: true,
        disruptions: ['cancel-meeting-mid-start', 'terminate-and-restart', 'reset-room'],
      },
      (line) => console.log(`[seed ${seed}] ${line}`),
    );
    console.log(chaosTable(outcome));
    outcomes.push(outcome);
    await writeFile('data/bench/chaos.json', `${JSON.stringify(outcomes, null, 2)}\n`);
  }
  console.log(`\nChaos over ${seeds.length} seed(s):\n${seedsTable(outcomes)}`);
  const unexercised = notExercisedLines(outcomes);
  console.log(unexercised.length === 0 ? 'Every scheduled fault was exercised.' : unexercised.join('\n'));
  if (outcomes.some((o) => o.violations.length > 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
