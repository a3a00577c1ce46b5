/**
 * A chaos run: meetings of rooms through real processes while a seeded schedule kills workers, the
 * receiver and the Temporal server, breaks webhooks, creates, media downloads, leaves and bots, and
 * operators cancel, terminate-and-restart and reset meetings. Then the meetings are ended through the
 * product (endMeeting), every bot must be gone within a bound before the emulated meetings end, and
 * the invariants are checked. Shared by `npm run chaos` and the CI-sized test.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import { endMeetingSignal } from '../../src/contracts/messages';
import { FAST_POLICY } from '../../src/devstack/fast-policy';
import { orphanBots } from '../../test/support/invariants';
import { checkInvariants, type InvariantReport, type Violation } from '../support/invariants-report';
import { benchMeetingSpec } from '../support/meeting-spec';
import { startProcessStack, type ProcessStack } from '../support/process-stack';
import { msUntilAllAnswer, openWorkflows } from '../support/recovery';
import { confirmEmulatorFaults, unmetCreateFaults, type FaultCheck } from './confirm';
import { cancelMidStart, resetRoom, terminateAndRestart, type Confirm } from './disruptions';
import { meetingReports, roomIdOf, settleRun, startRun, type ChaosMeeting } from './meetings';
import { redeliveryTarget } from './redelivery';
import { awaitReplacementCreates, describeReplacementWait } from './replacement';
import { chaosSchedule, describeFault, type ChaosFault, type Disruption } from './schedule';
import { Supervisor, type SelfExit } from './supervisor';

export interface ChaosConfig {
  seed: number;
  /** Meetings that meet only recoverable faults: every room must end recorded or partial. */
  meetings: number;
  roomsPerMeeting: number;
  /** Real seconds from the start until the meetings are ended through the product. */
  meetingSeconds: number;
  timeScale: number;
  workers: number;
  workerKills: number;
  botCrashes: number;
  temporalKills: number;
  /** Probability of each webhook fault per delivery. */
  webhookFaultRate: number;
  mediaFaults: boolean;
  /** Some seeds stall a download past the client's idle deadline (slower). */
  longStalls: boolean;
  /** Operator actions, each on a meeting of its own. */
  disruptions: Disruption[];
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
  /** Processes that exited without being killed (each was started again, as a container would be). */
  selfExits: SelfExit[];
  /** Process starts that failed (the Temporal server was down) and were tried again: not self-exits. */
  startFailures: string[];
  faultChecks: FaultCheck[];
  /** Each room run's outcome, and whether only recorded or partial were acceptable for it. */
  rooms: { workflowId: string; run: string; outcome: string; recoverable: boolean }[];
  /** Every violation: the invariants' and the run's own (self-exits, faults that never struck, recoveries). */
  violations: Violation[];
  seconds: number;
}

/** Invariant 3's bound: after endMeeting, every bot reaches done or fatal this soon (the room's leave timeout and more). */
const LEAVE_BOUND_MS = 60_000;
/** A bot may outlive its room's close by this much (Recall's own leave after leave_call, with margin). */
const AFTER_CLOSE_BOUND_MS = 15_000;
/** Meeting runs still open this long after the emulated meetings ended are reported as such. */
const RESULT_GRACE_MS = 120_000;
const RECOVERY_TIMEOUT_MS = 120_000;
/** A room of a meeting that closed without its result has had the whole grace already: a short last wait. */
const ROOM_RESULT_WAIT_MS = 15_000;
/** A redelivery waiting for a room whose bot holds a delivered in_call_recording looks again this often. */
const REDELIVERY_POLL_MS = 250;
/** A crash with no recording bot to pick is tried again this often, this many times. */
const CRASH_RETRY_MS = 500;
const CRASH_TRIES = 40;
/** How long the end waits for a crashed room's replacement to meet its create faults (`replacement.ts`). */
const REPLACEMENT_CREATE_WAIT_MS = 30_000;
const REPLACEMENT_POLL_MS = 250;

export async function runChaos(
  config: ChaosConfig,
  log: (line: string) => void = () => undefined,
): Promise<ChaosOutcome> {
  const began = Date.now();
  const workerNames = Array.from({ length: config.workers }, (_, i) => `worker-${i + 1}`);
  const timeline: string[] = [];
  const recoveries: Recovery[] = [];
  const disruptionChecks: { fault: string; confirm: Confirm }[] = [];
  const processChecks: FaultCheck[] = [];
  const stack: ProcessStack = await startProcessStack({
    emulator: { timeScale: config.timeScale, seed: config.seed },
    receiverLogLevel: 'debug',
  });
  const store = new LocalArtifactStore(stack.artifactsDir);
  const supervisor = new Supervisor(stack, log);
  const note = (line: string) => {
    timeline.push(line);
    log(line);
  };

  try {
    supervisor.watchTemporal();
    await supervisor.startReceiver();
    for (const name of workerNames) await supervisor.startWorker(name);
    stack.emulator.faults.webhooks({
      drop: config.webhookFaultRate,
      duplicate: config.webhookFaultRate,
      reorder: config.webhookFaultRate,
    });

    // The emulated meetings outlast the product's end and the orphan bound: only the product ends bots.
    const emulatedSeconds =
      (config.meetingSeconds + (REPLACEMENT_CREATE_WAIT_MS + LEAVE_BOUND_MS + RESULT_GRACE_MS) / 1000) *
      config.timeScale;
    const roles: ChaosMeeting['role'][] = [
      ...Array.from({ length: config.meetings }, () => 'recoverable' as const),
      ...config.disruptions,
    ];
    const meetings: ChaosMeeting[] = roles.map((role, i) => {
      const key = `chaos-${config.seed}-${role === 'recoverable' ? i + 1 : role}`;
      // An operator action needs a room to act on and one beside it, not a full meeting.
      const rooms = role === 'recoverable' ? config.roomsPerMeeting : Math.min(2, config.roomsPerMeeting);
      const emulated = stack.emulator.createMeeting(benchMeetingSpec(rooms, emulatedSeconds));
      return {
        key,
        workflowId: `meeting/${key}`,
        role,
        emulated,
        input: {
          meetingUrl: emulated.url,
          roomCount: rooms,
          title: `Chaos ${key}`,
          policy: FAST_POLICY,
        },
        roomKeys: Array.from({ length: rooms }, (_, r) => `room-${r + 1}`),
        runs: [],
        earlyReports: [],
      };
    });
    const recoverableRooms = meetings
      .filter((m) => m.role === 'recoverable')
      .flatMap((m) => m.roomKeys.map((k) => roomIdOf(m, k)));
    const allRooms = meetings.flatMap((m) => m.roomKeys.map((k) => roomIdOf(m, k)));
    const schedule = chaosSchedule({
      seed: config.seed,
      meetingSeconds: config.meetingSeconds,
      workerKills: config.workerKills,
      workers: workerNames,
      botCrashes: config.botCrashes,
      temporalKills: config.temporalKills,
      rooms: recoverableRooms,
      mediaFaults: config.mediaFaults,
      longStalls: config.longStalls,
      disruptions: config.disruptions,
    });
    const ctx = { client: stack.client, taskQueue: stack.taskQueue, emulator: stack.emulator, store, log };

    // Bot-matched and counted faults are armed before any bot exists (the redelivery once a room can take it).
    const faults = stack.emulator.faults;
    /** When each counted create fault was armed: its confirmation looks for creates made after that. */
    const armedAt = new Map<ChaosFault, number>();
    const arm = (fault: ChaosFault): boolean => {
      const match = (room: string) => ({ metadata: { workflowId: room } });
      switch (fault.kind) {
        case 'create-errors':
          armedAt.set(fault, Date.now());
          faults.failNextCreates(fault.count, fault.status, 1);
          return true;
        case 'lose-create-response':
          armedAt.set(fault, Date.now());
          faults.loseNextCreateResponses(1);
          return true;
        case 'media':
          faults.mediaFault(
            { ...match(fault.room), count: fault.count, ...(fault.file ? { file: fault.file } : {}) },
            fault.fault,
          );
          return true;
        case 'late-processing':
          faults.lateProcessing(match(fault.room), fault.seconds * config.timeScale);
          return true;
        case 'late-in-call-webhooks':
          faults.lateInCallWebhooks(match(fault.room));
          return true;
        case 'fail-leave':
          // Once per bot: the product must retry its leave; a leave that never works is not recoverable.
          faults.failLeave({ ...match(fault.room), count: 'status' in fault.answer ? 2 : 1 }, fault.answer);
          return true;
        default:
          return false;
      }
    };

    let startedAt = Date.now();
    const background: Promise<void>[] = [];
    const measureRecovery = (fault: string, at: number) =>
      background.push(
        (async () => {
          const open = await openWorkflows(stack.client, allRooms);
          recoveries.push({ fault, ms: await msUntilAllAnswer(stack.client, open, at, RECOVERY_TIMEOUT_MS) });
        })(),
      );
    const disrupt = (fault: string, action: () => Promise<Confirm>) =>
      action().then(
        (confirm) => void disruptionChecks.push({ fault, confirm }),
        (err: unknown) => void disruptionChecks.push({ fault, confirm: () => `failed: ${String(err)}` }),
      );
    const meetingOf = (role: Disruption) => meetings.find((m) => m.role === role)!;
    // Faults on one process follow each other; faults on different things overlap, so a slow
    // restart never delays the rest of the schedule.
    const chains = new Map<string, Promise<void>>();
    const inBackground = (target: string, action: () => Promise<void>) => {
      const next = (chains.get(target) ?? Promise.resolve())
        .then(action)
        .catch((err: unknown) => void processChecks.push({ fault: target, problem: `failed: ${String(err)}` }));
      chains.set(target, next);
      background.push(next);
    };
    /** Waits for everything in the background, including what it started meanwhile. */
    const settleBackground = async () => {
      while (background.length > 0) await Promise.all(background.splice(0));
    };

    // The cancel strikes first, alone: the creates Recall holds when it lands are its meeting's.
    const cancelled = schedule.find((s) => s.fault.kind === 'cancel-meeting-mid-start');
    if (cancelled) {
      note(`t+${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${describeFault(cancelled.fault)}`);
      await disrupt(describeFault(cancelled.fault), () => cancelMidStart(ctx, meetingOf('cancel-meeting-mid-start')));
    }
    // The schedule's clock starts with the other meetings.
    startedAt = Date.now();
    const done = new Set(schedule.filter((s) => s.atMs === 0 && arm(s.fault)).map((s) => s.fault));
    for (const fault of done) note(`t+0.0 s: ${describeFault(fault)}`);
    if (cancelled) done.add(cancelled.fault);
    for (const meeting of meetings)
      if (meeting.role !== 'cancel-meeting-mid-start') await startRun(stack.client, stack.taskQueue, meeting);

    /** The room the redelivery was armed on, once it was: no crash picks it, as it picks no crashed bot's room. */
    let redeliveryRoom: string | undefined;
    /** Each crashed bot's room, and when it crashed. */
    const crashedRooms = new Map<string, number>();
    /**
     * Arms the redelivery on the first of its rooms whose live bot holds a delivered in_call_recording
     * (`redelivery.ts`), waiting for it until the meetings are ended; if none ever does, the fault stays
     * unarmed and its confirmation reports it.
     */
    const armRedelivery = async (fault: { rooms: string[] }): Promise<void> => {
      const until = startedAt + config.meetingSeconds * 1000;
      for (;;) {
        const target = redeliveryTarget(
          stack.emulator.audit,
          fault.rooms.filter((r) => !crashedRooms.has(r)),
        );
        if (typeof target === 'object') {
          redeliveryRoom = target.room;
          faults.redeliverAfterDone({ metadata: { workflowId: target.room } });
          note(`  redelivery armed on ${target.room}: bot ${target.botId}'s in_call_recording webhook was delivered`);
          return;
        }
        if (target === 'none' || Date.now() >= until) {
          note(`  redelivery armed on no room: none had a live bot with a delivered in_call_recording webhook`);
          return;
        }
        await delay(REDELIVERY_POLL_MS);
      }
    };

    /** Crashes a recording bot of its rooms; with none recording yet, tries again shortly (same pick: the seed still decides). */
    const crash = async (fault: { pick: number; rooms: string[] }, what: string): Promise<void> => {
      for (let i = 0; i < CRASH_TRIES; i++) {
        const recording = stack.emulator.audit
          .bots()
          .filter((b) => fault.rooms.includes(b.metadata.workflowId ?? '') && b.metadata.workflowId !== redeliveryRoom)
          .filter((b) => b.statuses.at(-1)?.code === 'in_call_recording');
        const victim = recording[fault.pick % Math.max(recording.length, 1)];
        if (victim) {
          crashedRooms.set(victim.metadata.workflowId!, Date.now());
          faults.crashBot(victim.id, 'bot_errored');
          note(`  victim: ${victim.metadata.workflowId} bot ${victim.id}`);
          processChecks.push({
            fault: `${what}: ${victim.id}`,
            problem: stack.emulator.audit.faultHits().some((h) => h.fault === 'crash' && h.botId === victim.id)
              ? undefined
              : 'the crash did not strike',
          });
          return;
        }
        await delay(CRASH_RETRY_MS);
      }
      processChecks.push({
        fault: what,
        problem: `no bot was recording for ${(CRASH_TRIES * CRASH_RETRY_MS) / 1000} s`,
      });
    };

    const apply = (fault: ChaosFault): void => {
      const what = describeFault(fault);
      switch (fault.kind) {
        case 'kill-worker':
          inBackground(fault.worker, async () => {
            const at = Date.now();
            await supervisor.killWorker(fault.worker);
            await delay(fault.downMs);
            await supervisor.startWorker(fault.worker);
            measureRecovery(what, at);
          });
          return;
        case 'restart-temporal':
        case 'kill-temporal':
          inBackground('temporal', async () => {
            const at = Date.now();
            const pid = stack.serverPid();
            await supervisor.temporalDown(async () => {
              if (fault.kind === 'restart-temporal') return stack.restartTemporal();
              await stack.killTemporal();
              await delay(fault.downMs);
              await stack.startTemporal();
            });
            processChecks.push({
              fault: what,
              problem: stack.serverPid() !== pid ? undefined : 'the server kept its pid',
            });
            measureRecovery(what, at);
          });
          return;
        case 'restart-receiver':
          inBackground('receiver', async () => {
            await supervisor.killReceiver();
            await delay(fault.downMs);
            await supervisor.startReceiver();
          });
          return;
        case 'crash-recording-bot':
          inBackground(`crash ${fault.pick}`, () => crash(fault, what));
          return;
        case 'redeliver-after-done':
          inBackground('redelivery', () => armRedelivery(fault));
          return;
        case 'cancel-meeting-mid-start':
          throw new Error('the cancel runs before the schedule');
        // One operator: the reset waits until the restarted meeting runs again.
        case 'terminate-and-restart':
          inBackground('operator', () => disrupt(what, () => terminateAndRestart(ctx, meetingOf(fault.kind))));
          return;
        case 'reset-room':
          inBackground('operator', () => disrupt(what, () => resetRoom(ctx, meetingOf(fault.kind))));
          return;
        default:
          if (!arm(fault)) throw new Error(`unhandled fault ${what}`);
      }
    };
    for (const { atMs, fault } of schedule) {
      const wait = startedAt + atMs - Date.now();
      if (wait > 0) await delay(wait);
      if (done.has(fault)) continue;
      note(`t+${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${describeFault(fault)}`);
      apply(fault);
    }

    // End every meeting through the product, and give its bots a bound to be gone: orphans are
    // counted before the emulated meetings end (which would make every bot leave on its own).
    const endAt = startedAt + config.meetingSeconds * 1000;
    if (endAt > Date.now()) await delay(endAt - Date.now());
    await settleBackground();
    const scheduled = schedule.map((s) => s.fault);
    const unmet = () => unmetCreateFaults(scheduled, stack.emulator.audit, armedAt);
    const unmetAtEnd = unmet();
    const waited = describeReplacementWait(
      await awaitReplacementCreates({
        audit: stack.emulator.audit,
        crashedRooms,
        isOpen: (room) =>
          stack.client.workflow
            .getHandle(room)
            .describe()
            .then((d) => d.status.name === 'RUNNING')
            // Not known (the server is slow to answer): keep waiting, within the bound.
            .catch(() => true),
        unmet,
        boundMs: REPLACEMENT_CREATE_WAIT_MS,
        pollMs: REPLACEMENT_POLL_MS,
      }),
      unmetAtEnd,
    );
    if (waited) note(`t+${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${waited}`);
    note(`t+${((Date.now() - startedAt) / 1000).toFixed(1)} s: endMeeting to every open meeting`);
    for (const meeting of meetings.filter((m) => m.runs.length > 0)) {
      const handle = stack.client.workflow.getHandle(meeting.workflowId, meeting.runs.at(-1)!.runId);
      if ((await handle.describe()).status.name === 'RUNNING')
        await handle.signal(endMeetingSignal, { reason: 'chaos: the meeting is over' });
    }
    const ours = () => stack.emulator.audit.bots().filter((b) => allRooms.includes(b.metadata.workflowId ?? ''));
    const boundAt = Date.now() + LEAVE_BOUND_MS;
    while (orphanBots(ours()).length > 0 && Date.now() < boundAt) await delay(250);
    const liveAfterEnd = orphanBots(ours()).map((id) => {
      const bot = stack.emulator.audit.bot(id);
      return `${bot?.metadata.workflowId}: bot ${id} still ${bot?.statuses.at(-1)?.code ?? 'unknown'} ${LEAVE_BOUND_MS / 1000} s after endMeeting`;
    });
    note(
      `t+${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${liveAfterEnd.length} bots live after the bound; ending the emulated meetings`,
    );
    for (const meeting of meetings) meeting.emulated.end();

    const resultsBy = Date.now() + RESULT_GRACE_MS;
    const started = meetings.filter((m) => m.runs.length > 0);
    await Promise.all(started.map((m) => settleRun(stack.client, m, m.runs.at(-1)!, resultsBy - Date.now())));
    const at = () => `t+${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
    note(`${at()}: meeting runs settled: ${started.map((m) => m.runs.at(-1)!.status).join(', ')}`);
    const reports = (
      await Promise.all(started.map((m) => meetingReports(stack.client, store, m, ROOM_RESULT_WAIT_MS)))
    ).flat();
    const faultChecks = [
      ...confirmEmulatorFaults(
        schedule.map((s) => s.fault),
        stack.emulator.audit,
        config.webhookFaultRate,
        armedAt,
      ),
      ...processChecks,
      ...disruptionChecks.map((d) => ({ fault: d.fault, problem: d.confirm() })),
    ];
    stack.emulator.faults.reset();
    supervisor.close();
    note(`${at()}: checking invariants`);

    const report = await checkInvariants({
      client: stack.client,
      taskQueue: stack.taskQueue,
      reports,
      bots: stack.emulator.audit.bots(),
      liveAfterEnd,
      leaveBoundMs: AFTER_CLOSE_BOUND_MS,
      secrets: {
        'API key': stack.apiKey,
        'webhook secret': stack.webhookSecret,
        'webhook secret key': stack.webhookSecret.slice('whsec_'.length),
      },
      logs: stack.allProcesses.map((p, i) => ({ source: `the log of ${p.name} (#${i + 1})`, text: p.output.join('') })),
    });
    note(`${at()}: invariants checked`);
    const selfExits = supervisor.selfExits;
    const violations: Violation[] = [
      ...report.violations,
      ...selfExits.map((e) => ({
        invariant: '8 no process exits on its own',
        detail: `${e.name} exited with ${e.code}${e.lastOutput ? `: ${e.lastOutput.slice(-300).replace(/\s+/g, ' ')}` : ''}`,
      })),
      ...supervisor.restartFailures.map((detail) => ({
        invariant: '8 no process exits on its own',
        detail: `restart failed: ${detail}`,
      })),
      ...faultChecks
        .filter((c) => c.problem !== undefined)
        .map((c) => ({ invariant: 'faults struck', detail: `${c.fault}: ${c.problem}` })),
      ...recoveries
        .filter((r) => r.ms === undefined)
        .map((r) => ({
          invariant: 'recovery',
          detail: `${r.fault}: rooms never all answered within ${RECOVERY_TIMEOUT_MS / 1000} s`,
        })),
      ...meetings
        .flatMap((m) => m.runs.map((run) => ({ m, run })))
        .filter(({ run }) => run.status === 'RUNNING')
        .map(({ m, run }) => ({
          invariant: '1 no room lost',
          detail: `${m.workflowId} run ${run.runId} still open ${RESULT_GRACE_MS / 1000} s after its meeting ended, waiting on: ${run.waitingOn}`,
        })),
    ];
    return {
      config,
      report,
      recoveries,
      timeline,
      selfExits,
      startFailures: supervisor.startFailures,
      faultChecks,
      rooms: reports.map((r) => ({
        workflowId: r.workflowId,
        run: r.run,
        outcome: (r.result ?? r.manifest)?.outcome ?? 'unreported',
        recoverable: !r.allowed.includes('cancelled'),
      })),
      violations,
      seconds: Math.round((Date.now() - began) / 1000),
    };
  } finally {
    supervisor.close();
    await stack.close();
  }
}
