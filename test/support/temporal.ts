import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

/** The dev server that `npm test` started (test/support/global-setup.ts). */
export function testServerAddress(): { address: string; namespace: string } {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address) {
    throw new Error('No test Temporal server: run integration tests through `npm test`, which starts one.');
  }
  return { address, namespace: process.env.TEST_TEMPORAL_NAMESPACE ?? 'default' };
}

export interface TemporalTestContext {
  address: string;
  namespace: string;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

export async function connectToTestServer(): Promise<TemporalTestContext> {
  const { address, namespace } = testServerAddress();
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    namespace,
    connection,
    nativeConnection,
    client: new Client({ connection, namespace }),
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** A task queue of its own for each test, so tests never steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
