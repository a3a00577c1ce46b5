/**
 * Watches every process of a chaos run (workers, the receiver, the Temporal server) as a container
 * runtime would: a process that exits without being killed by the schedule is started again and
 * counted. Invariant 8 says that count is zero; the chaos report asserts it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ProcessStack } from '../support/process-stack';
import type { ManagedProcess } from '../support/processes';

const START_ATTEMPTS = 30;
const START_RETRY_MS = 1000;

export interface SelfExit {
  process: 'worker' | 'receiver' | 'temporal';
  name: string;
  code: number | NodeJS.Signals | null;
  /** The end of its log, for the report. */
  lastOutput: string;
}

export class Supervisor {
  readonly selfExits: SelfExit[] = [];
  /** Restarts after a self-exit that themselves failed. */
  readonly restartFailures: string[] = [];
  /** Starts that failed and were tried again (not self-exits: the process never ran). */
  readonly startFailures: string[] = [];
  private readonly killed = new Set<unknown>();
  private closing = false;
  private temporalExpected = false;

  constructor(
    private readonly stack: ProcessStack,
    private readonly log: (line: string) => void,
  ) {}

  async startWorker(name: string): Promise<void> {
    const worker = await this.startOrRetry(name, () => this.stack.startWorker(name));
    this.watch('worker', name, worker, () => this.startWorker(name));
  }

  async killWorker(name: string): Promise<void> {
    this.killed.add(this.stack.workers.get(name));
    await this.stack.killWorker(name);
  }

  async startReceiver(): Promise<void> {
    const receiver = await this.startOrRetry('receiver', async () => {
      await this.stack.startReceiver();
      return this.stack.receiver!;
    });
    this.watch('receiver', 'receiver', receiver, () => this.startReceiver());
  }

  async killReceiver(): Promise<void> {
    this.killed.add(this.stack.receiver);
    await this.stack.killReceiver();
  }

  watchTemporal(): void {
    const pid = this.stack.serverPid();
    void this.stack.serverExited().then(async (code) => {
      if (this.closing || this.temporalExpected || this.stack.serverPid() !== pid) return;
      this.selfExits.push({ process: 'temporal', name: 'temporal', code, lastOutput: '' });
      this.log(`the Temporal server exited on its own (${code}); starting it again`);
      try {
        await this.stack.startTemporal();
        this.watchTemporal();
      } catch (err) {
        this.restartFailures.push(`temporal: ${String(err)}`);
      }
    });
  }

  /** Runs a scheduled stop of the Temporal server (graceful or SIGKILL) without counting its exit. */
  async temporalDown<T>(action: () => Promise<T>): Promise<T> {
    this.temporalExpected = true;
    try {
      return await action();
    } finally {
      this.temporalExpected = false;
      this.watchTemporal();
    }
  }

  /**
   * A process that dies while starting (the Temporal server it connects to is itself restarting) is
   * started again, as a container runtime would, and listed; only one that ran and then died counts
   * as a self-exit.
   */
  private async startOrRetry(name: string, start: () => Promise<ManagedProcess>): Promise<ManagedProcess> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await start();
      } catch (err) {
        if (this.closing || attempt >= START_ATTEMPTS) throw err;
        const why =
          String(err)
            .split('\n')
            .find((l) => /error/i.test(l)) ?? String(err).split('\n')[0];
        this.startFailures.push(`${name}: ${why}`);
        this.log(`${name} did not start (${why}); starting it again`);
        await delay(START_RETRY_MS);
      }
    }
  }

  close(): void {
    this.closing = true;
  }

  private watch(kind: 'worker' | 'receiver', name: string, p: ManagedProcess, restart: () => Promise<void>): void {
    void p.exited.then((code) => {
      if (this.closing || this.killed.has(p)) return;
      this.selfExits.push({ process: kind, name, code, lastOutput: p.output.join('').slice(-800) });
      this.log(`${name} exited on its own (${code}); starting it again`);
      restart().catch((err: unknown) => this.restartFailures.push(`${name}: ${String(err)}`));
    });
  }
}
