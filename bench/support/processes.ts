/**
 * Child processes for chaos runs and benchmarks: each in its own process group, so a kill reaches
 * everything it started, and all of them killed when the driver exits, even on a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
export { freePort } from '../../src/devstack/free-port';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Every line it wrote to stdout and stderr, for secret scans and failure reports. */
  output: string[];
  /** The exit code or signal, once it ended. */
  exited: Promise<number | NodeJS.Signals | null>;
  running(): boolean;
  /** Signals the whole process group. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it ended. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ManagedProcess>();
const others = new Set<ChildProcess>();

// A last resort when the driver dies without its finally blocks (uncaught error, process.exit).
process.once('exit', () => {
  for (const p of live) p.signal('SIGKILL');
  for (const child of others) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Kills a child started elsewhere (such as the dev server) if the driver exits while it runs. */
export function killOnExit(child: ChildProcess): void {
  others.add(child);
  child.once('exit', () => others.delete(child));
}

export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
): ManagedProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(chunk.toString('utf8'));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const managed: ManagedProcess = {
    name,
    child,
    output,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    signal(signal) {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    },
    async stop(graceMs = 5000) {
      if (managed.running()) {
        managed.signal('SIGTERM');
        if (await Promise.race([exited.then(() => false), delay(graceMs).then(() => true)])) managed.signal('SIGKILL');
      }
      await exited;
      // Grandchildren (if any) in the group, whatever the leader did.
      managed.signal('SIGKILL');
    },
  };
  live.add(managed);
  void exited.then(() => live.delete(managed));
  return managed;
}

/** Waits until `output` holds `text`, or fails with the process's last lines. */
export async function waitForOutput(p: ManagedProcess, text: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!p.output.join('').includes(text)) {
    if (!p.running()) throw new Error(`${p.name} exited before "${text}":\n${p.output.join('').slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`${p.name}: no "${text}" within ${timeoutMs} ms`);
    await delay(50);
  }
}
