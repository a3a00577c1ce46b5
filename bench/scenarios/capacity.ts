/**
 * Capacity: many meetings of many rooms at once on one worker process: do all complete, how much
 * memory does the worker take at its peak, and what does a happy room cost in history events and
 * billable actions.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { MeetingResult } from '../../src/contracts';
import { median, round, type ScenarioResult } from '../support/figures';
import { historyStats, type HistoryStats } from '../support/history-stats';
import { benchMeetingSpec, LOAD_POLICY } from '../support/meeting-spec';
import { within } from '../support/within';
import { freePort } from '../support/processes';
import { productionEnv, startProcessStack } from '../support/process-stack';
import { readCacheCounters } from '../support/worker-metrics';

export interface CapacityOptions {
  buildDir: string;
  meetings: number;
  roomsPerMeeting: number;
  /** Happy rooms whose histories are read. */
  sampledHistories: number;
  /** Real seconds to wait for every room to record, then for every meeting to complete. */
  boundSeconds: number;
  /** The worker's MAX_CACHED_WORKFLOWS (default: the worker's own, 500). */
  maxCachedWorkflows?: number;
  /** The worker's NODE_OPTIONS (default: the production image's, see the Dockerfile; '' for none). */
  nodeOptions?: string;
  /** More environment for the worker (such as MALLOC_ARENA_MAX), for experiments. */
  workerEnv?: Record<string, string>;
}

/**
 * Preloaded into the worker, and so into each of its threads (Node runs `--import` in worker
 * threads too): every second, the thread's `process.memoryUsage()` and heap limit on stderr. The
 * SDK runs workflows in a worker thread with a V8 heap of its own, which the main thread's figures
 * do not count; with both, the peak RSS splits into the main heap, the workflow thread's heap,
 * external memory V8 knows of (array buffers) and the rest (native: the Temporal core, code, thread
 * stacks, the allocator's free lists).
 */
const MEMORY_PROBE = `data:text/javascript,${encodeURIComponent(
  "import { threadId } from 'node:worker_threads'; import { getHeapStatistics } from 'node:v8';" +
    "setInterval(() => process.stderr.write('memory-probe ' + JSON.stringify({ thread: threadId, limit: getHeapStatistics().heap_size_limit, ...process.memoryUsage() }) + '\\n'), 1000).unref();",
)}`;

interface MemorySample {
  /** 0: the main thread; others: the SDK's workflow threads. */
  thread: number;
  /** This thread's V8 heap limit. */
  limit: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

function memorySamples(output: string[]): MemorySample[] {
  return [...output.join('').matchAll(/^memory-probe (\{.*\})$/gm)].map((m) => JSON.parse(m[1]!) as MemorySample);
}

/** The workflow threads' latest samples at or before `at` (the index of a main-thread sample). */
function threadsAt(samples: MemorySample[], at: number): MemorySample[] {
  const latest = new Map<number, MemorySample>();
  for (const s of samples.slice(0, at + 1)) if (s.thread !== 0) latest.set(s.thread, s);
  return [...latest.values()];
}

const gib = (bytes: number) => round(bytes / 1024 ** 3, 2);

/** Resident set of a process, from /proc (Linux). */
function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export async function capacity(options: CapacityOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const production = productionEnv();
  const rooms = options.meetings * options.roomsPerMeeting;
  const timeScale = 20;
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const stack = await startProcessStack({
    buildDir: options.buildDir,
    // Capacity, not pacing: creation is paced far above Recall's base limit here (see fan-out).
    createRatePerMinute: 60_000,
    emulator: { timeScale },
    workerEnv: {
      WORKER_METRICS_ADDRESS: metricsAddress,
      ...options.workerEnv,
      ...(options.maxCachedWorkflows !== undefined ? { MAX_CACHED_WORKFLOWS: String(options.maxCachedWorkflows) } : {}),
      ...(options.nodeOptions !== undefined ? { NODE_OPTIONS: options.nodeOptions } : {}),
    },
    workerExecArgv: ['--import', MEMORY_PROBE],
  });
  let peakRss = 0;
  let sampling = true;
  try {
    await stack.startReceiver();
    const worker = await stack.startWorker('worker');
    const pid = worker.child.pid!;
    const sampler = (async () => {
      while (sampling) {
        peakRss = Math.max(peakRss, rssBytes(pid));
        await delay(500);
      }
    })();
    const meetings = Array.from({ length: options.meetings }, () =>
      stack.emulator.createMeeting(benchMeetingSpec(options.roomsPerMeeting, options.boundSeconds * 2 * timeScale)),
    );
    const t0 = Date.now();
    const ids: string[] = [];
    for (const [i, meeting] of meetings.entries()) {
      ids.push(
        await stack.startMeeting(
          { meetingUrl: meeting.url, roomCount: options.roomsPerMeeting, policy: LOAD_POLICY },
          `capacity-${i + 1}`,
        ),
      );
    }
    const recordingRooms = () =>
      new Set(
        stack.emulator.audit
          .bots()
          .filter((b) => b.statuses.some((s) => s.code === 'in_call_recording'))
          .map((b) => b.metadata.workflowId),
      ).size;
    const bound = Date.now() + options.boundSeconds * 1000;
    while (recordingRooms() < rooms && Date.now() < bound) await delay(1000);
    const allRecordingSeconds = (Date.now() - t0) / 1000;
    const recording = recordingRooms();
    for (const meeting of meetings) meeting.end();
    const ended = Date.now();
    const settled = await within(
      Promise.allSettled(ids.map((id) => stack.client.workflow.getHandle(id).result() as Promise<MeetingResult>)),
      options.boundSeconds * 1000,
    );
    const completeSeconds = (Date.now() - ended) / 1000;
    const cache = await readCacheCounters(metricsAddress);
    sampling = false;
    await sampler;
    const results = (settled ?? []).flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const roomResults = results.flatMap((r) => r.rooms);
    const recorded = roomResults.filter((r) => r.outcome === 'recorded' && r.bots.length === 1);

    const stats: HistoryStats[] = [];
    for (const room of recorded.slice(0, options.sampledHistories)) {
      stats.push(historyStats(await stack.client.workflow.getHandle(room.workflowId).fetchHistory()));
    }
    const events = median(stats.map((s) => s.events));
    const typical = stats.find((s) => s.events === Math.round(events)) ?? stats[0];
    const peakGiB = peakRss / 1024 ** 3;
    const samples = memorySamples(worker.output);
    const main = samples.filter((m) => m.thread === 0);
    const workflowThreads = samples.filter((m) => m.thread !== 0);
    const atPeak = main.reduce<MemorySample | undefined>((a, b) => (a && a.rss >= b.rss ? a : b), undefined);
    const threads = atPeak ? threadsAt(samples, samples.indexOf(atPeak)) : [];
    const sum = (list: MemorySample[], key: keyof MemorySample) => list.reduce((n, m) => n + m[key], 0);
    const peakOf = (list: MemorySample[], key: keyof MemorySample) => gib(Math.max(0, ...list.map((m) => m[key])));
    return {
      scenario: 'capacity',
      seconds: round((Date.now() - started) / 1000, 0),
      parameters: { ...options, rooms, timeScale },
      figures: [
        {
          scenario: 'capacity',
          name: 'rooms complete',
          value: `${roomResults.length} of ${rooms}`,
          unit: 'rooms',
          met: roomResults.length === rooms,
          note: `${recorded.length} recorded with one bot; ${recording} of ${rooms} recording after ${round(allRecordingSeconds, 0)} s; all done ${round(completeSeconds, 0)} s after the meetings ended`,
        },
        {
          scenario: 'capacity',
          name: 'worker peak RSS',
          value: round(peakGiB, 2),
          unit: 'GiB',
          goal: '<= 1.0',
          met: peakGiB <= 1.0,
          note: atPeak
            ? `at the peak sample: main heap used ${gib(atPeak.heapUsed)} of ${gib(atPeak.heapTotal)} GiB, workflow thread${threads.length === 1 ? '' : 's'} heap used ${gib(sum(threads, 'heapUsed'))} of ${gib(sum(threads, 'heapTotal'))} GiB, external ${gib(atPeak.external + sum(threads, 'external'))} (array buffers ${gib(atPeak.arrayBuffers + sum(threads, 'arrayBuffers'))}), outside V8 ${gib(atPeak.rss - atPeak.heapTotal - atPeak.external - sum(threads, 'heapTotal') - sum(threads, 'external'))} GiB; peaks over the run: main heap used ${peakOf(main, 'heapUsed')} / total ${peakOf(main, 'heapTotal')}, workflow thread heap used ${peakOf(workflowThreads, 'heapUsed')} / total ${peakOf(workflowThreads, 'heapTotal')}, external ${peakOf(main, 'external')} GiB; heap limits: main ${peakOf(main, 'limit')}, workflow thread ${peakOf(workflowThreads, 'limit')} GiB; NODE_OPTIONS ${(options.nodeOptions ?? production.NODE_OPTIONS) || 'none'}; MALLOC_ARENA_MAX ${options.workerEnv?.MALLOC_ARENA_MAX ?? production.MALLOC_ARENA_MAX ?? 'unset'}${
                options.workerEnv
                  ? `; ${Object.entries(options.workerEnv)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(' ')}`
                  : ''
              }; the worker's cache: ${cache ? `${cache.tasks} workflow tasks, ${cache.misses} sticky cache misses, ${cache.evictions} evictions` : 'unread'}`
            : 'no memory samples',
        },
        {
          scenario: 'capacity',
          name: 'history events per happy room (median)',
          value: events,
          unit: 'events',
          goal: '<= 45',
          met: events <= 45,
          note: typical
            ? `typical room: ${Object.entries(typical.byType)
                .sort((a, b) => b[1] - a[1])
                .map(([type, n]) => `${type} ${n}`)
                .join(', ')}`
            : 'no happy room',
        },
        {
          scenario: 'capacity',
          name: 'billable actions per happy room (median)',
          value: median(stats.map((s) => s.actions)),
          unit: 'actions',
        },
      ],
    };
  } finally {
    sampling = false;
    await stack.close();
  }
}
