/**
 * The chaos schedule: which fault strikes when, drawn from a seed, so a failing run can be replayed
 * exactly (process timing still varies; the faults and their order do not).
 */
import { Prng } from '../../src/emulator/prng';

export type ChaosFault =
  | { kind: 'kill-worker'; worker: string; downMs: number }
  | { kind: 'restart-temporal' }
  | { kind: 'restart-receiver'; downMs: number }
  | { kind: 'create-errors'; status: 429 | 500 | 502 | 503; count: number }
  | { kind: 'lose-create-response' }
  | { kind: 'crash-recording-bot'; pick: number };

export interface ScheduledFault {
  /** Real milliseconds after the meetings started; a fault waits for the one before it. */
  atMs: number;
  fault: ChaosFault;
}

export interface ScheduleOptions {
  seed: number;
  /** Real seconds the emulated meetings last; faults land in its middle part. */
  meetingSeconds: number;
  workerKills: number;
  workers: string[];
  botCrashes: number;
}

export function chaosSchedule(options: ScheduleOptions): ScheduledFault[] {
  const prng = new Prng(options.seed);
  const span = options.meetingSeconds * 1000;
  // Faults hit while bots join and record, and leave the last fifth for the meetings to end normally.
  const at = () => Math.round(span * (0.15 + 0.6 * prng.next()));
  const faults: ScheduledFault[] = [
    // The first creates meet a 429 burst, a 5xx burst and a create whose response is lost.
    { atMs: 0, fault: { kind: 'create-errors', status: 429, count: 2 + prng.int(3) } },
    { atMs: 0, fault: { kind: 'lose-create-response' } },
    { atMs: 0, fault: { kind: 'create-errors', status: ([500, 502, 503] as const)[prng.int(3)]!, count: 2 } },
    { atMs: at(), fault: { kind: 'restart-temporal' } },
    { atMs: at(), fault: { kind: 'restart-receiver', downMs: 1000 + prng.int(4000) } },
  ];
  for (let i = 0; i < options.workerKills; i++) {
    const worker = options.workers[prng.int(options.workers.length)]!;
    faults.push({ atMs: at(), fault: { kind: 'kill-worker', worker, downMs: 500 + prng.int(2500) } });
  }
  for (let i = 0; i < options.botCrashes; i++) {
    const atMs = at();
    faults.push({ atMs, fault: { kind: 'crash-recording-bot', pick: prng.int(1_000_000) } });
    // The replacement's create meets a 5xx burst and a lost response too.
    faults.push({ atMs, fault: { kind: 'create-errors', status: 503, count: 1 } });
    faults.push({ atMs, fault: { kind: 'lose-create-response' } });
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}

export function describeFault(fault: ChaosFault): string {
  switch (fault.kind) {
    case 'kill-worker':
      return `SIGKILL worker ${fault.worker}, restart after ${fault.downMs} ms`;
    case 'restart-temporal':
      return 'restart the Temporal dev server (same port and SQLite file)';
    case 'restart-receiver':
      return `SIGKILL the webhook receiver, restart after ${fault.downMs} ms`;
    case 'create-errors':
      return `next ${fault.count} creates answer ${fault.status}`;
    case 'lose-create-response':
      return 'next create succeeds but its response is lost';
    case 'crash-recording-bot':
      return 'a recording bot goes fatal (bot_errored)';
  }
}
