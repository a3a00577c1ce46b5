/**
 * Emulator headroom: the emulator's own benchmark (bench/emulator-throughput.ts, by the emulator's
 * author) run as it is, so every other figure is known not to be bound by the emulator.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { round, type ScenarioResult } from '../support/figures';

const ROOT = join(__dirname, '..', '..');

export function emulatorHeadroom(options: { bots: number }): ScenarioResult {
  const started = Date.now();
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'emulator-throughput.ts')], {
    cwd: ROOT,
    env: { ...process.env, BENCH_BOTS: String(options.bots) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const result = JSON.parse(readFileSync(join(ROOT, 'data', 'bench', 'emulator-throughput.json'), 'utf8')) as {
    lifecyclesPerMinute: number;
    webhooksPerSecond: number;
    allBotsDoneWithOneRecording: boolean;
  };
  return {
    scenario: 'emulator-headroom',
    seconds: round((Date.now() - started) / 1000, 0),
    parameters: { ...options },
    figures: [
      {
        scenario: 'emulator-headroom',
        name: 'bot lifecycles per minute',
        value: result.lifecyclesPerMinute,
        unit: '/min',
        met: result.allBotsDoneWithOneRecording,
        note: `${result.webhooksPerSecond} signed webhooks/s to a verifying sink`,
      },
    ],
  };
}
