/**
 * Terminates demo workflows that no worker will finish: the demo's emulator and its throw-away API
 * key die with the demo, so a meeting left running would only fail against the next demo's emulator.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';

const DEMO_PREFIX = 'meeting/demo-';
const BUDGET_MS = 5_000;

/**
 * Terminates the running workflows whose ID starts with `prefix` (the meeting and its rooms); by
 * default every demo meeting's. Gives up after a few seconds when the server is gone already.
 * Returns how many it terminated.
 */
export async function terminateDemoWorkflows(client: Client, reason: string, prefix = DEMO_PREFIX): Promise<number> {
  const work = async () => {
    let count = 0;
    const query = `WorkflowId STARTS_WITH "${prefix}" AND ExecutionStatus = "Running"`;
    for await (const wf of client.workflow.list({ query })) {
      await client.workflow
        .getHandle(wf.workflowId, wf.runId)
        .terminate(reason)
        .then(
          () => count++,
          // Closed meanwhile (a terminated meeting cancels its rooms): nothing left to do.
          () => undefined,
        );
    }
    return count;
  };
  return Promise.race([work().catch(() => 0), delay(BUDGET_MS).then(() => 0)]);
}
