import { Client, Connection } from '@temporalio/client';
import { dataConverterFrom } from '../codec/data-converter';
import type { ClientConfig } from '../config';
import { TemporalUnavailableError } from './errors';
import { temporalSecurity } from './temporal-security';

/** How long to wait for Temporal before telling the caller it is unreachable. */
const CONNECT_TIMEOUT = '5 seconds';

/**
 * Connects eagerly, so an unreachable server is a `TemporalUnavailableError` at once, not a hang later.
 * With PAYLOAD_CODEC_KEYS (or a key file) in the config, payloads are encrypted like the worker's.
 */
export async function connectClient(
  config: Pick<ClientConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'> &
    Partial<Pick<ClientConfig, 'PAYLOAD_CODEC_KEYS' | 'PAYLOAD_CODEC_KEY_FILE'>>,
): Promise<Client> {
  const dataConverter = dataConverterFrom(config);
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: config.TEMPORAL_ADDRESS,
      connectTimeout: CONNECT_TIMEOUT,
      ...temporalSecurity(),
    });
  } catch (error) {
    throw new TemporalUnavailableError(config.TEMPORAL_ADDRESS, { cause: error });
  }
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
}

/** The server address for error messages. */
export function addressOf(client: Client): string {
  return client.connection instanceof Connection ? client.connection.options.address : 'TEMPORAL_ADDRESS';
}
