/**
 * Watches every process of a chaos run (workers, the receiver, the Temporal server) as a container
 * runtime would: a process that exits without being killed by the schedule is started again and
 * counted. Invariant 8 says that count is zero; the chaos report asserts it.
 */
import type { ProcessStack } from '../support/process-stack';
import type { ManagedProcess } from '../support/processes';

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
  private readonly killed = new Set<unknown>();
  private closing = false;
  private temporalExpected = false;

  constructor(
    private readonly stack: ProcessStack,
    private readonly log: (line: string) => void,
  ) {}

  async startWorker(name: string): Promise<void> {
    this.watch('worker', name, await this.stack.startWorker(name), () => this.startWorker(name));
  }

  async killWorker(name: string): Promise<void> {
    this.killed.add(this.stack.workers.get(name));
    await this.stack.killWorker(name);
  }

  async startReceiver(): Promise<void> {
    await this.stack.startReceiver();
    this.watch('receiver', 'receiver', this.stack.receiver!, () => this.startReceiver());
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
