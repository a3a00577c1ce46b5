/**
 * Runs collectArtifacts once in a process of its own, as a worker would, and prints the outcome
 * as JSON: `node --import tsx collect-child.ts <recall url> <store root> <input json> <idle timeout ms>`.
 * It exits 0 after a grace period, unless something (an unhandled rejection) ended it first.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createCollectActivities } from '../../activities/collect-artifacts';
import type { CollectInput } from '../../activities/types';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import { RecallClient } from '../../src/recall';

async function main(): Promise<void> {
  const [baseUrl, root, json, timeoutMs] = process.argv.slice(2);
  const recall = new RecallClient({ apiKey: 'test-key', baseUrl: baseUrl!, timeoutMs: Number(timeoutMs) });
  const activities = createCollectActivities(recall, new LocalArtifactStore(root!, { reserveBytes: 0 }));
  let outcome: unknown;
  try {
    outcome = {
      collection: await new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') }).run(
        (i: CollectInput) => activities.collectArtifacts(i),
        JSON.parse(json!) as CollectInput,
      ),
    };
  } catch (err) {
    outcome = {
      failure: {
        isApplicationFailure: err instanceof ApplicationFailure,
        type: err instanceof ApplicationFailure ? err.type : null,
        message: err instanceof Error ? err.message : String(err),
      },
    };
  }
  // Time for a stray rejection to surface: Node ends the process on one.
  await delay(500);
  await recall.close();
  process.stdout.write(JSON.stringify(outcome));
}

void main();
