import { setTimeout as sleep } from 'node:timers/promises';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Logger } from 'pino';

const FIRST_WAIT_MS = 1_000;
const LONGEST_WAIT_MS = 30_000;

/**
 * Connects to Temporal, waiting for it as long as it takes: a worker started while the server is
 * restarting (a deploy, a crash) must come up when the server does, not exit and leave it to a
 * supervisor. Each failed attempt is logged with the address only.
 */
export async function connectWhenReachable(
  options: NativeConnectionOptions,
  logger: Logger,
): Promise<NativeConnection> {
  for (let waitMs = FIRST_WAIT_MS; ; waitMs = Math.min(waitMs * 2, LONGEST_WAIT_MS)) {
    try {
      return await NativeConnection.connect(options);
    } catch (err) {
      logger.warn(
        { address: options.address, retryInMs: waitMs, error: err instanceof Error ? err.message : String(err) },
        'Temporal is not reachable yet; waiting for it',
      );
      await sleep(waitMs);
    }
  }
}
