/**
 * "Progressing again" after a crash, measured from outside: every room workflow that was open
 * answers a query, which needs a worker that polls its queue and has replayed the room.
 */
import type { Client } from '@temporalio/client';
import { setTimeout as delay } from 'node:timers/promises';
import { roomStatusQuery } from '../../src/contracts/messages';

/** Room workflows among `workflowIds` that are still running. */
export async function openWorkflows(client: Client, workflowIds: string[]): Promise<string[]> {
  const open = await Promise.all(
    workflowIds.map(async (id) => {
      try {
        return (await client.workflow.getHandle(id).describe()).status.name === 'RUNNING' ? id : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return open.filter((id): id is string => id !== undefined);
}

/**
 * Milliseconds from `sinceMs` until every workflow answered a query, or undefined after `timeoutMs`.
 * Each query gets a short deadline, so a room nobody serves yet is asked again rather than waited on.
 */
export async function msUntilAllAnswer(
  client: Client,
  workflowIds: string[],
  sinceMs: number,
  timeoutMs = 120_000,
): Promise<number | undefined> {
  const pending = new Set(workflowIds);
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0) {
    if (Date.now() > deadline) return undefined;
    await Promise.all(
      [...pending].map(async (id) => {
        try {
          await client.withDeadline(Date.now() + 2000, () => client.workflow.getHandle(id).query(roomStatusQuery));
          pending.delete(id);
        } catch {
          // Not served yet (no worker, or the server is still coming back).
        }
      }),
    );
    if (pending.size > 0) await delay(200);
  }
  return Date.now() - sinceMs;
}
