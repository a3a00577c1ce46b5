import '../../scripts/node-version';
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { z } from 'zod';
import { startEmulator } from './emulator';
import { meetingSpecSchema } from './http/control-routes';
import type { BreakoutEventsMode } from './types';

const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `breakout-emulator`: runs the Recall.ai emulator until SIGINT/SIGTERM. Exported as a command so
 * the project CLI can mount it as a subcommand.
 */
export function emulatorCommand(): Command {
  return new Command('breakout-emulator')
    .description('Run the Recall.ai API emulator with simulated Zoom meetings and breakout rooms')
    .addOption(
      new Option('--port <port>', 'port on 127.0.0.1 (0 = random)')
        .env('EMULATOR_PORT')
        .argParser(number('port'))
        .default(0),
    )
    .addOption(new Option('--api-key <key>', 'API key clients must send').env('RECALL_API_KEY').makeOptionMandatory())
    .addOption(
      new Option('--webhook-secret <secret>', 'whsec_... secret that signs webhooks').env('RECALL_WEBHOOK_SECRET'),
    )
    .addOption(
      new Option('--webhook-url <url>', 'endpoint receiving every webhook (repeatable)')
        .env('EMULATOR_WEBHOOK_URLS')
        .argParser(collect),
    )
    .addOption(
      new Option('--time-scale <n>', 'emulated seconds per real second')
        .env('EMULATOR_TIME_SCALE')
        .argParser(number('time scale'))
        .default(1),
    )
    .addOption(new Option('--seed <n>', 'PRNG seed').env('EMULATOR_SEED').argParser(number('seed')).default(1))
    .addOption(
      new Option('--header-style <style>', 'webhook signature headers')
        .choices(['standard', 'svix'])
        .default('standard'),
    )
    .addOption(
      new Option('--breakout-events <mode>', 'bot.breakout_room_* webhooks: standard, alternate shape, or none')
        .env('EMULATOR_BREAKOUT_EVENTS')
        .choices(['standard', 'alternate', 'none'])
        .default('standard'),
    )
    .addOption(new Option('--meeting <file...>', 'JSON MeetingSpec file(s) (one spec or an array) to create at start'))
    .action(async (opts: CliOptions) => {
      await runEmulator(opts);
    });
}

interface CliOptions {
  port: number;
  apiKey: string;
  webhookSecret?: string;
  webhookUrl?: string[] | string;
  timeScale: number;
  seed: number;
  headerStyle: 'standard' | 'svix';
  breakoutEvents: BreakoutEventsMode;
  meeting?: string[];
}

async function runEmulator(opts: CliOptions): Promise<void> {
  const logger = pino({ name: 'breakout-emulator' });
  // From the environment the list arrives as one comma-separated string.
  const webhookUrls = (Array.isArray(opts.webhookUrl) ? opts.webhookUrl : (opts.webhookUrl ?? '').split(','))
    .map((u) => u.trim())
    .filter(Boolean);
  const emulator = await startEmulator({
    port: opts.port,
    apiKey: opts.apiKey,
    webhookSecret: opts.webhookSecret,
    webhookUrls,
    webhookHeaderStyle: opts.headerStyle,
    breakoutEvents: opts.breakoutEvents,
    timeScale: opts.timeScale,
    seed: opts.seed,
    logger,
  });
  for (const file of opts.meeting ?? []) {
    const specs = z
      .union([meetingSpecSchema, z.array(meetingSpecSchema)])
      .parse(JSON.parse(await readFile(file, 'utf8')) as unknown);
    for (const spec of Array.isArray(specs) ? specs : [specs]) {
      const meeting = emulator.createMeeting(spec);
      logger.info({ meetingId: meeting.id, url: meeting.url, rooms: meeting.rooms }, 'meeting created');
    }
  }
  process.stdout.write(`${emulator.baseUrl}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
}

export async function runEmulatorCli(argv: string[] = process.argv): Promise<void> {
  await emulatorCommand().parseAsync(argv);
}

if (require.main === module) {
  runEmulatorCli().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
