import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TypedSearchAttributes } from '@temporalio/common';
import { searchAttributeKeys } from '../contracts/search-attributes';
import { resolveTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  /** gRPC port (default 7233); the Web UI is on `uiPort` (default port + 1000). */
  port?: number;
  uiPort?: number;
  /** SQLite file, so the server's state survives a restart; in memory when absent. */
  dbFilename?: string;
  /** Disable the Web UI. */
  headless?: boolean;
  /** The codec server the Web UI decodes payloads through (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  namespace?: string;
  /** Where the server's own log lines go (default: discarded). */
  onLog?: (line: string) => void;
  /** Extra `--dynamic-config-value KEY=VALUE` settings. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  /** Stops the server: SIGTERM, then SIGKILL if it lingers. */
  stop(): Promise<void>;
}

/** True when something accepts TCP connections on host:port. */
export async function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Starts `temporal server start-dev` with the project's search attributes registered, and waits
 * until its frontend accepts connections. For the demo, chaos runs and benchmarks; the test
 * suite starts its server through @temporalio/testing instead.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = resolveTemporalCli({ build: true, log: options.onLog });
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? port + 1000;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push('--namespace', options.namespace ?? 'default');
  if (options.dbFilename) {
    mkdirSync(dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }
  args.push(...(options.headless ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  for (const key of searchAttributeKeys) {
    args.push('--search-attribute', `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`);
  }
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = (chunk: Buffer) => options.onLog?.(chunk.toString('utf8').trimEnd());
  child.stdout?.on('data', log);
  child.stderr?.on('data', log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 60_000;
  while (!(await isListening('127.0.0.1', port))) {
    if (child.exitCode !== null) throw new Error(`temporal server start-dev exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal server start-dev did not listen on port ${port} within 60 s`);
    }
    await delay(100);
  }
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: options.headless ? null : `http://localhost:${uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
