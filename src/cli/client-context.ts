import type { Client } from '@temporalio/client';
import { connectClient } from '../client';
import { loadClientConfig, type ClientConfig } from '../config';

/** Runs `fn` with a connected client, and closes the connection whatever happens. */
export async function withClient<T>(fn: (client: Client, config: ClientConfig) => Promise<T>): Promise<T> {
  const config = loadClientConfig();
  const client = await connectClient(config);
  try {
    return await fn(client, config);
  } finally {
    await client.connection.close();
  }
}
