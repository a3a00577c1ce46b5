import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { EmulatorCore } from './core';
import { createEmulatorServer } from './http/server';
import { DEFAULT_RATE_LIMITS } from './rate-limit';
import type { Emulator, EmulatorOptions } from './types';

const SIX_HOURS = 6 * 60 * 60;
/** Recall does not document its page size; 50 is a guess (README, assumption 12). */
const DEFAULT_LIST_PAGE_SIZE = 50;

/** Starts a Recall.ai API emulator with simulated Zoom meetings on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  if (!options.apiKey) throw new Error('apiKey is required');
  const logger = options.logger ?? pino({ level: 'silent' });
  let baseUrl = '';
  const core = new EmulatorCore({
    timeScale: options.timeScale ?? 1,
    seed: options.seed ?? 1,
    webhookUrls: options.webhookUrls ?? [],
    webhookSecret: options.webhookSecret,
    webhookHeaderStyle: options.webhookHeaderStyle ?? 'standard',
    adHocPoolSize: options.adHocPoolSize ?? Infinity,
    downloadUrlTtlSeconds: options.downloadUrlTtlSeconds ?? SIX_HOURS,
    breakoutEvents: options.breakoutEvents ?? 'standard',
    logger,
    baseUrl: () => baseUrl,
  });
  const server = createEmulatorServer({
    core,
    apiKey: options.apiKey,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
    listPageSize: Math.max(1, Math.floor(options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE)),
    logger,
    baseUrl: () => baseUrl,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Only the shape of the configuration: the API key and webhook secret never reach the log.
  logger.info(
    {
      baseUrl,
      timeScale: core.clock.timeScale,
      webhookUrls: options.webhookUrls?.length ?? 0,
      signed: !!options.webhookSecret,
    },
    'Recall emulator listening',
  );

  let closing: Promise<void> | undefined;
  return {
    baseUrl,
    createMeeting: (spec) => core.createMeeting(spec),
    faults: core.faults,
    audit: core.audit,
    addWebhookUrl: (url) => core.webhooks.addUrl(url),
    now: () => core.clock.now(),
    close: () =>
      (closing ??= (async () => {
        await core.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })()),
  };
}
