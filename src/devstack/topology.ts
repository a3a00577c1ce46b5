/**
 * The production topology of docker-compose.yml, from real processes on one machine: PostgreSQL
 * (Debian's package, an unprivileged cluster in a temporary directory), the Temporal server on it
 * (built from go.temporal.io/server, schema set up by scripts/temporal-schema.sh with Temporal's
 * SQL tool), the namespace and search attributes from scripts/search-attributes.sh --apply, MinIO
 * with its bucket created by src/artifacts/ensure-bucket.ts, and any number of workers and
 * receivers on distinct ports, against the Recall emulator. The same scripts and variable names as
 * compose, so a drift between the two fails the topology test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, killOnExit, spawnManaged, waitForOutput, type ManagedProcess } from '../../bench/support/processes';
import { ensureBucket } from '../artifacts/ensure-bucket';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator';
import { goToolCacheDir, resolveGoTool, type GoTool } from './go-tool';
import { startMinio, type RunningMinio } from './minio';
import { resolveTemporalCli } from './temporal-cli';

const ROOT = join(__dirname, '..', '..');

/** The server the Temporal CLI v1.5.1 embeds; compose runs the same minor version (1.29). */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_SERVER: GoTool = {
  binary: 'server',
  goPackage: 'go.temporal.io/server/cmd/server',
  version: TEMPORAL_SERVER_VERSION,
  cacheName: 'temporal-server',
  envOverride: 'TEMPORAL_SERVER_PATH',
};
/** Temporal's SQL schema tool, `temporal-sql-tool` in the admin-tools image. */
export const TEMPORAL_SQL_TOOL: GoTool = {
  binary: 'sql',
  goPackage: 'go.temporal.io/server/cmd/tools/sql',
  version: TEMPORAL_SERVER_VERSION,
  cacheName: 'temporal-server',
  envOverride: 'TEMPORAL_SQL_TOOL_PATH',
};
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface Topology {
  temporalAddress: string;
  emulator: Emulator;
  minio: RunningMinio;
  bucket: string;
  taskQueue: string;
  /** The environment every worker and receiver gets (compose's x-app-environment). */
  appEnv: Record<string, string>;
  workers: Map<string, ManagedProcess>;
  receivers: Map<string, ManagedProcess & { url: string }>;
  startWorker(name: string): Promise<ManagedProcess>;
  startReceiver(name: string): Promise<void>;
  close(): Promise<void>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, user?: string): string {
  const [file, argv] = user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/** PostgreSQL as an unprivileged user in a fresh data directory; never the machine's service. */
async function startPostgres(dir: string, password: string) {
  const port = await freePort();
  const data = join(dir, 'pgdata');
  // initdb refuses root: as root, the cluster belongs to the `postgres` user the package created.
  const user = userInfo().uid === 0 ? 'postgres' : undefined;
  await mkdir(data);
  if (user) {
    const uid = Number(run('id', ['-u', user], process.env));
    const gid = Number(run('id', ['-g', user], process.env));
    await chown(dir, uid, gid);
    await chown(data, uid, gid);
  }
  await chmod(data, 0o700);
  const pwfile = join(dir, 'pwfile');
  await writeFile(pwfile, password, { mode: 0o644 });
  run(
    join(PG_BIN, 'initdb'),
    ['-D', data, '-U', 'temporal', '--pwfile', pwfile, '-A', 'scram-sha-256'],
    process.env,
    user,
  );
  run(
    join(PG_BIN, 'pg_ctl'),
    ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-o', `-k ${dir} -h 127.0.0.1 -p ${port}`, 'start'],
    process.env,
    user,
  );
  return {
    port,
    stop: () => run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], process.env, user),
  };
}

/**
 * A free port below 32768: Temporal keeps membership ports in a PostgreSQL smallint, and the
 * kernel's ephemeral ports (what `freePort` gets) lie above it.
 */
async function freeLowPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}

function serverConfig(ports: Record<string, number>, pgPort: number, password: string): string {
  const store = (database: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: 127.0.0.1:${pgPort}
        connectProtocol: tcp
        user: temporal
        password: ${JSON.stringify(password)}
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (name: string) => `
  ${name}:
    rpc:
      grpcPort: ${ports[`${name}Grpc`]}
      membershipPort: ${ports[`${name}Membership`]}
      bindOnLocalHost: true`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:${store('temporal', 20)}
    visibility:${store('temporal_visibility', 5)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:${['frontend', 'history', 'matching', 'worker'].map(service).join('')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${ports.frontendGrpc}
dcRedirectionPolicy:
  policy: noop
`;
}

export async function startTopology(
  options: { log?: (line: string) => void; emulator?: Partial<EmulatorOptions>; createRatePerMinute?: number } = {},
): Promise<Topology> {
  const log = options.log ?? (() => undefined);
  const server = resolveGoTool(TEMPORAL_SERVER, { build: true, log });
  const sqlTool = resolveGoTool(TEMPORAL_SQL_TOOL, { build: true, log });
  const temporalCli = resolveTemporalCli({ build: true, log });
  const schemaDir = join(
    run('go', ['env', 'GOMODCACHE'], process.env).trim(),
    `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`,
    'schema',
  );
  log(`temporal server and sql tool in ${goToolCacheDir(TEMPORAL_SERVER)}`);

  const dir = await mkdtemp(join(tmpdir(), 'breakout-topology-'));
  await chmod(dir, 0o755);
  const closers: (() => unknown)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.reverse())
      await Promise.resolve()
        .then(closer)
        .catch(() => undefined);
  };
  try {
    const pgPassword = randomBytes(12).toString('hex');
    const postgres = await startPostgres(dir, pgPassword);
    closers.push(postgres.stop);
    log(`postgresql on 127.0.0.1:${postgres.port}`);

    // The compose job's command, with the compose job's variables.
    run('bash', [join(ROOT, 'scripts', 'temporal-schema.sh')], {
      ...process.env,
      TEMPORAL_SQL_TOOL: sqlTool,
      TEMPORAL_SCHEMA_DIR: schemaDir,
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(postgres.port),
      POSTGRES_USER: 'temporal',
      POSTGRES_PWD: pgPassword,
    });

    const ports: Record<string, number> = {};
    for (const name of ['frontend', 'history', 'matching', 'worker']) {
      ports[`${name}Grpc`] = await freePort();
      ports[`${name}Membership`] = await freeLowPort();
    }
    await mkdir(join(dir, 'config'));
    await writeFile(join(dir, 'config', 'development.yaml'), serverConfig(ports, postgres.port, pgPassword));
    const temporal = spawn(
      server,
      ['--root', dir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    killOnExit(temporal);
    let temporalLog = '';
    const keep = (chunk: Buffer) => (temporalLog = (temporalLog + chunk.toString('utf8')).slice(-4000));
    temporal.stdout.on('data', keep);
    temporal.stderr.on('data', keep);
    closers.push(async () => {
      temporal.kill('SIGTERM');
      await Promise.race([new Promise((r) => temporal.once('exit', r)), delay(10_000)]);
      temporal.kill('SIGKILL');
    });
    const temporalAddress = `127.0.0.1:${ports.frontendGrpc}`;
    for (let attempt = 0; ; attempt += 1) {
      const health = spawnSync(temporalCli, ['operator', 'cluster', 'health', '--address', temporalAddress], {
        encoding: 'utf8',
      });
      if (health.stdout.includes('SERVING')) break;
      if (temporal.exitCode !== null || attempt > 120)
        throw new Error(`temporal server did not start:\n${temporalLog}`);
      await delay(1_000);
    }
    log(`temporal server ${TEMPORAL_SERVER_VERSION} on ${temporalAddress}`);

    // The compose job's script, as compose runs it.
    run('bash', [join(ROOT, 'scripts', 'search-attributes.sh'), '--apply'], {
      ...process.env,
      TEMPORAL_CLI: temporalCli,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
    });

    const minio = await startMinio({ log });
    closers.push(() => minio.stop());
    const bucket = 'breakout-artifacts';
    const storeEnv = minio.env(bucket, 'recordings');
    log(await ensureBucket(storeEnv));

    const apiKey = `topology-${randomBytes(12).toString('hex')}`;
    const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
    const createRatePerMinute = options.createRatePerMinute ?? 120;
    const emulator = await startEmulator({
      apiKey,
      webhookSecret,
      timeScale: 20,
      rateLimits: { create: createRatePerMinute },
      ...options.emulator,
    });
    closers.push(() => emulator.close());
    const taskQueue = 'breakout-recorder';
    const appEnv: Record<string, string> = {
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      RECALL_API_KEY: apiKey,
      RECALL_WEBHOOK_SECRET: webhookSecret,
      RECALL_BASE_URL: emulator.baseUrl,
      RECALL_CREATE_RATE_PER_MINUTE: String(createRatePerMinute),
      LOG_LEVEL: 'info',
      ...storeEnv,
    };
    const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...appEnv };
    const spawnEntry = (name: string, entry: string, env: Record<string, string>) =>
      spawnManaged(name, process.execPath, ['--import', 'tsx', join(ROOT, `${entry}.ts`)], { ...base, ...env });
    const workers = new Map<string, ManagedProcess>();
    const receivers = new Map<string, ManagedProcess & { url: string }>();
    closers.push(() => Promise.allSettled([...workers.values(), ...receivers.values()].map((p) => p.stop(3_000))));

    return {
      temporalAddress,
      emulator,
      minio,
      bucket,
      taskQueue,
      appEnv,
      workers,
      receivers,
      async startWorker(name) {
        const worker = spawnEntry(name, 'workers/main', {
          WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
          SHUTDOWN_GRACE_SECONDS: '2',
        });
        workers.set(name, worker);
        await waitForOutput(worker, 'worker started', 300_000);
        return worker;
      },
      async startReceiver(name) {
        const port = await freePort();
        const receiver = spawnEntry(name, 'src/webhooks/main', {
          WEBHOOK_HOST: '127.0.0.1',
          WEBHOOK_PORT: String(port),
          WEBHOOK_OPS_PORT: '0',
        });
        const url = `http://127.0.0.1:${port}/webhooks/recall`;
        receivers.set(name, Object.assign(receiver, { url }));
        await waitForOutput(receiver, 'webhook receiver up');
        emulator.addWebhookUrl(url);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
