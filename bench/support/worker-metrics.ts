/**
 * A worker process's own counters, read from its Prometheus endpoint (`WORKER_METRICS_ADDRESS`):
 * how often the Temporal core found a workflow in its cache, and how often it had to replay one
 * from its full history instead.
 */

export interface CacheCounters {
  /** Workflow tasks received (`workflow_task_queue_poll_succeed`, sticky and normal queue). */
  tasks: number;
  /** Workflow tasks for a workflow found in the cache (`sticky_cache_hit`). */
  hits: number;
  /** Sticky tasks for a workflow no longer cached (`sticky_cache_miss`). */
  misses: number;
  /**
   * Workflow tasks for a workflow not in the cache (tasks − hits): each one is a full replay of the
   * history. (`workflow_task_replay_latency` is no measure of these: core observes it on cache hits.)
   * At 2,000 rooms hits outnumbered polled tasks (this came out negative), so the capacity bench
   * reports misses and evictions instead.
   */
  replays: number;
  /** Workflows evicted from the cache (`sticky_cache_total_forced_eviction`). */
  evictions: number;
}

/** Sum of every sample of `name` (all label sets) in Prometheus text exposition. */
export function sumOf(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] === name) sum += Number(match[3]);
  }
  return sum;
}

export function cacheCounters(text: string): CacheCounters {
  const tasks = sumOf(text, 'temporal_workflow_task_queue_poll_succeed');
  const hits = sumOf(text, 'temporal_sticky_cache_hit');
  return {
    tasks,
    hits,
    misses: sumOf(text, 'temporal_sticky_cache_miss'),
    replays: tasks - hits,
    evictions: sumOf(text, 'temporal_sticky_cache_total_forced_eviction'),
  };
}

/** The worker's cache counters since it started; undefined when its endpoint does not answer. */
export async function readCacheCounters(address: string): Promise<CacheCounters | undefined> {
  try {
    const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(5000) });
    return response.ok ? cacheCounters(await response.text()) : undefined;
  } catch {
    return undefined;
  }
}
