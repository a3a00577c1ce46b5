/**
 * One real Temporal dev server per test run (`npm test`), with the project's search attributes.
 * Test files run in their own processes and reach it through TEST_TEMPORAL_ADDRESS.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { resolveTemporalCli } from '../../src/devstack/temporal-cli';
import { searchAttributeKeys } from '../../src/contracts';

let env: TestWorkflowEnvironment | undefined;

export async function startTestServer(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const path = resolveTemporalCli({ build: true, log: (line) => console.error(line) });
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path },
      searchAttributes: searchAttributeKeys,
      ip: '127.0.0.1',
    },
  });
  process.env.TEST_TEMPORAL_ADDRESS = env.address;
  process.env.TEST_TEMPORAL_NAMESPACE = env.namespace ?? 'default';
}

export async function stopTestServer(): Promise<void> {
  await env?.teardown();
}
