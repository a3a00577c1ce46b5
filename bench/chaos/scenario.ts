/**
 * A chaos run: several meetings with several rooms through real processes while a seeded schedule
 * kills workers, restarts Temporal and the receiver, and breaks webhooks, creates and bots; then
 * the invariants are checked. Shared by `npm run chaos` and the CI-sized test.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { MeetingResult } from '../../src/contracts';
import type { EmulatedMeeting } from '../../src/emulator';
import { benchMeetingSpec, FAST_POLICY } from '../support/meeting-spec';
import { checkInvariants, type InvariantReport } from '../support/invariants-report';
import { within } from '../support/within';
import { startProcessStack, type ProcessStack } from '../support/process-stack';
import { msUntilAllAnswer, openWorkflows } from '../support/recovery';
import { chaosSchedule, describeFault, type ChaosFault } from './schedule';

export interface ChaosConfig {
  seed: number;
  meetings: number;
  roomsPerMeeting: number;
  /** Real seconds each emulated meeting lasts. */
  meetingSeconds: number;
  timeScale: number;
  workers: number;
  workerKills: number;
  botCrashes: number;
  /** Probability of each webhook fault per delivery. */
  webhookFaultRate: number;
}

export interface Recovery {
  fault: string;
  /** Milliseconds from the fault until every open room answered a query again. */
  ms: number | undefined;
}

export interface ChaosOutcome {
  config: ChaosConfig;
  report: InvariantReport;
  recoveries: Recovery[];
  /** What the schedule did, in order, with real offsets. */
  timeline: string[];
  /** Worker or receiver processes that died without being killed (restarted, and reported). */
  unexpectedExits: string[];
}

/** A meeting still open this long after its emulated end is reported lost, not waited on forever. */
const RESULT_GRACE_MS = 180_000;
/** Invariant 3's bound: bots reach done or fatal this soon after their meeting's result. */
const ORPHAN_BOUND_MS = 60_000;

export async function runChaos(
  config: ChaosConfig,
  log: (line: string) => void = () => undefined,
): Promise<ChaosOutcome> {
  const workerNames = Array.from({ length: config.workers }, (_, i) => `worker-${i + 1}`);
  const schedule = chaosSchedule({
    seed: config.seed,
    meetingSeconds: config.meetingSeconds,
    workerKills: config.workerKills,
    workers: workerNames,
    botCrashes: config.botCrashes,
  });
  const timeline: string[] = [];
  const recoveries: Recovery[] = [];
  const unexpectedExits: string[] = [];
  const stack: ProcessStack = await startProcessStack({
    emulator: { timeScale: config.timeScale, seed: config.seed },
    receiverLogLevel: 'debug',
  });
  const killed = new Set<unknown>();
  let closing = false;
  // A worker that dies on its own is a finding: it is restarted so the run can go on, and reported.
  const supervise = async (name: string): Promise<void> => {
    const worker = await stack.startWorker(name);
    void worker.exited.then((code) => {
      if (closing || killed.has(worker)) return;
      unexpectedExits.push(`${name} exited with ${code}: ${worker.output.join('').slice(-500)}`);
      void supervise(name).catch((err: unknown) => unexpectedExits.push(`${name} restart failed: ${String(err)}`));
    });
  };

  try {
    await stack.startReceiver();
    for (const name of workerNames) await supervise(name);
    stack.emulator.faults.webhooks({
      drop: config.webhookFaultRate,
      duplicate: config.webhookFaultRate,
      reorder: config.webhookFaultRate,
    });

    const planned = new Map<string, string[]>();
    const meetings: EmulatedMeeting[] = [];
    const startedAt = Date.now();
    const runs: Promise<MeetingResult>[] = [];
    for (let m = 1; m <= config.meetings; m++) {
      const meeting = stack.emulator.createMeeting(
        benchMeetingSpec(config.roomsPerMeeting, config.meetingSeconds * config.timeScale),
      );
      meetings.push(meeting);
      const workflowId = await stack.startMeeting(
        { meetingUrl: meeting.url, roomCount: config.roomsPerMeeting, title: `Chaos ${m}`, policy: FAST_POLICY },
        `chaos-${config.seed}-${m}`,
      );
      planned.set(
        workflowId,
        Array.from({ length: config.roomsPerMeeting }, (_, i) => `${workflowId}/room/room-${i + 1}`),
      );
      const run = stack.client.workflow.getHandle(workflowId).result() as Promise<MeetingResult>;
      void run.then(
        () => log(`t+${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${workflowId} finished`),
        () => undefined,
      );
      runs.push(run);
    }
    const allRooms = [...planned.values()].flat();
    const results = Promise.allSettled(runs);

    const measureRecovery = async (fault: string, at: number) => {
      const open = await openWorkflows(stack.client, allRooms);
      recoveries.push({ fault, ms: await msUntilAllAnswer(stack.client, open, at) });
    };
    const measuring: Promise<void>[] = [];
    const apply = async (fault: ChaosFault): Promise<void> => {
      const faults = stack.emulator.faults;
      switch (fault.kind) {
        case 'kill-worker': {
          const worker = stack.workers.get(fault.worker);
          killed.add(worker);
          const at = Date.now();
          await stack.killWorker(fault.worker);
          await delay(fault.downMs);
          await supervise(fault.worker);
          measuring.push(measureRecovery(describeFault(fault), at));
          return;
        }
        case 'restart-temporal': {
          const at = Date.now();
          await stack.restartTemporal();
          measuring.push(measureRecovery(describeFault(fault), at));
          return;
        }
        case 'restart-receiver':
          killed.add(stack.receiver);
          await stack.killReceiver();
          await delay(fault.downMs);
          await stack.startReceiver();
          return;
        case 'create-errors':
          faults.failNextCreates(fault.count, fault.status, 1);
          return;
        case 'lose-create-response':
          faults.loseNextCreateResponses(1);
          return;
        case 'crash-recording-bot': {
          const recording = stack.emulator.audit.bots().filter((b) => b.statuses.at(-1)?.code === 'in_call_recording');
          const victim = recording[fault.pick % Math.max(recording.length, 1)];
          if (victim) faults.crashBot(victim.id, 'bot_errored');
          const line = `  victim: ${victim ? `${victim.metadata.workflowId} bot ${victim.id}` : 'none recording'}`;
          timeline.push(line);
          log(line);
          return;
        }
      }
    };
    for (const { atMs, fault } of schedule) {
      const wait = startedAt + atMs - Date.now();
      if (wait > 0) await delay(wait);
      const line = `t+${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${describeFault(fault)}`;
      timeline.push(line);
      log(line);
      await apply(fault);
    }

    // Let any meeting that outlives its emulated end finish, up to a bound.
    const deadline = startedAt + config.meetingSeconds * 1000 + RESULT_GRACE_MS;
    const settled = await within(results, deadline - Date.now());
    for (const meeting of meetings) meeting.end();
    await Promise.all(measuring);
    const finished = (settled ?? []).flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    log(`meetings finished: ${finished.length} of ${config.meetings}; waiting for bots to end`);
    const orphanDeadline = Date.now() + ORPHAN_BOUND_MS;
    const terminal = () =>
      stack.emulator.audit.bots().every((b) => ['done', 'fatal'].includes(b.statuses.at(-1)?.code ?? ''));
    while (!terminal() && Date.now() < orphanDeadline) await delay(250);
    stack.emulator.faults.reset();
    closing = true;
    log('checking invariants');

    const report = await checkInvariants({
      client: stack.client,
      taskQueue: stack.taskQueue,
      planned,
      results: finished,
      bots: stack.emulator.audit.bots(),
      secrets: {
        'API key': stack.apiKey,
        'webhook secret': stack.webhookSecret,
        'webhook secret key': stack.webhookSecret.slice('whsec_'.length),
      },
      logs: stack.allProcesses.map((p, i) => ({ source: `the log of ${p.name} (#${i + 1})`, text: p.output.join('') })),
    });
    return { config, report, recoveries, timeline, unexpectedExits };
  } finally {
    closing = true;
    await stack.close();
  }
}
