import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** One folder per release: `test/histories/<version>/`, each replayed against today's workflow code. */
export const HISTORIES_ROOT = join(__dirname, '..', 'histories');

/** This release (package.json's version): captured histories go to its folder. */
export const RELEASE = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** The workflow ID a history file holds: `<workflow ID, URI-encoded>~<run id prefix>.bin`. */
export function workflowIdOfFile(file: string): string {
  return decodeURIComponent(file.replace(/(~[^~]*)?\.bin$/, ''));
}

/** Every workflow that ran on a task queue, with its decoded history as one searchable string. */
export async function historiesOf(client: Client, taskQueue: string) {
  const out: {
    workflowId: string;
    runId: string;
    history: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;
    text: string;
  }[] = [];
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    out.push({ workflowId: execution.workflowId, runId: execution.runId, history, text: decodedText(history) });
  }
  return out;
}

/** Payload bytes decoded as UTF-8 next to every other field, so a secret anywhere in history is found. */
export function decodedText(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') parts.push(String(v));
  };
  walk(value);
  return parts.join('\n');
}

/**
 * Writes a history in the binary form the Temporal API uses. (The SDK's JSON export fails in 1.24.0:
 * @temporalio/common carries protobufjs 8 while @temporalio/proto was generated with protobufjs 7.)
 */
export async function saveHistory(
  workflowId: string,
  runId: string,
  history: temporal.api.history.v1.IHistory,
): Promise<void> {
  const dir = join(HISTORIES_ROOT, RELEASE);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, `${encodeURIComponent(workflowId)}~${runId.slice(0, 8)}.bin`),
    temporal.api.history.v1.History.encode(history).finish(),
  );
}
