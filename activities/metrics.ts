import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Artifact, RoomOutcome } from '../src/contracts';

/**
 * The worker's business metrics. They go through the Temporal Runtime's meter, so they appear on
 * the worker's Prometheus endpoint (WORKER_METRICS_ADDRESS) beside the SDK's own `temporal_*`
 * metrics, labelled with the activity type, namespace and task queue. Custom metrics get no prefix.
 */
const BOTS_CREATED = 'breakout_bots_created';
const ROOMS_COMPLETED = 'breakout_rooms_completed';
const ARTIFACT_BYTES = 'breakout_artifact_bytes';

function meter() {
  return Context.current().metricMeter;
}

/**
 * Runs a create-bot call and counts it by result: `created`, or the failure type the activity
 * reports (pool exhausted, rate limited, rejected, unavailable), so 507 and 429 bursts show up.
 */
export async function countBotCreation<T>(create: () => Promise<T>): Promise<T> {
  const counter = meter().createCounter(BOTS_CREATED, 'bots', 'Recall create-bot calls, by result.');
  try {
    const bot = await create();
    counter.add(1, { result: 'created' });
    return bot;
  } catch (err) {
    counter.add(1, { result: err instanceof ApplicationFailure && err.type ? err.type : 'error' });
    throw err;
  }
}

/** Counts a room that finished, by outcome. */
export function countRoomOutcome(outcome: RoomOutcome): void {
  meter().createCounter(ROOMS_COMPLETED, 'rooms', 'Rooms that finished, by outcome.').add(1, { outcome });
}

/** Adds the bytes of freshly stored artifacts, by kind. */
export function countArtifactBytes(artifacts: Artifact[]): void {
  const counter = meter().createCounter(ARTIFACT_BYTES, 'bytes', 'Artifact bytes stored, by kind.');
  for (const artifact of artifacts) counter.add(artifact.bytes, { kind: artifact.kind });
}
