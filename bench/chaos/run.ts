/**
 * `npm run chaos`: the full chaos run. Exits non-zero when any invariant is violated.
 *   CHAOS_SEED=7 CHAOS_MEETINGS=4 CHAOS_ROOMS=5 CHAOS_SECONDS=150 npm run chaos
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { chaosTable } from './report';
import { runChaos } from './scenario';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const outcome = await runChaos(
    {
      seed: env('CHAOS_SEED', 1),
      meetings: env('CHAOS_MEETINGS', 4),
      roomsPerMeeting: env('CHAOS_ROOMS', 5),
      meetingSeconds: env('CHAOS_SECONDS', 150),
      timeScale: 20,
      workers: env('CHAOS_WORKERS', 2),
      workerKills: env('CHAOS_WORKER_KILLS', 4),
      botCrashes: env('CHAOS_BOT_CRASHES', 3),
      webhookFaultRate: 0.1,
    },
    (line) => console.log(line),
  );
  console.log(chaosTable(outcome));
  await mkdir('data/bench', { recursive: true });
  await writeFile('data/bench/chaos.json', `${JSON.stringify(outcome, null, 2)}\n`);
  if (outcome.report.violations.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
