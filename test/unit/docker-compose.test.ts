/**
 * No Docker engine runs in CI, so the deployment files are checked statically against the code they
 * deploy: services, variables, build outputs, health endpoints and search attributes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { EncryptionCodec } from '../../src/codec';
import { buildCodecServer } from '../../src/codec/server';
import { S3_ENVIRONMENT } from '../../src/artifacts/open-store';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config';
import { startEmulator } from '../../src/emulator';
import { buildWebhookServer } from '../../src/webhooks/server';
import { lazyTemporalClient } from '../../src/webhooks/temporal-client';
import pino from 'pino';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  depends_on?: string[] | Record<string, unknown>;
  network_mode?: string;
  environment?: Record<string, string | number | null> | string[];
  healthcheck?: { test: string[] | string };
  profiles?: string[];
  volumes?: string[];
  ports?: string[];
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** `NAME=value` lines, and `# NAME=value` lines (documented, optional, unset by default). */
function envExample(): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of read('.env.example').split('\n')) {
    const match = /^(?:#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1]) vars.set(match[1], match[2] ?? '');
  }
  return vars;
}

/**
 * `.env.example` as a user fills it in: its placeholders (which the app refuses) replaced by
 * real-looking secrets, and one source of payload keys.
 */
function filledIn(example: Map<string, string>): Map<string, string> {
  const filled = new Map(example);
  const secrets: Record<string, () => string> = {
    RECALL_API_KEY: () => randomBytes(20).toString('hex'),
    RECALL_WEBHOOK_SECRET: () => `whsec_${randomBytes(24).toString('base64')}`,
    API_TOKEN: () => randomBytes(32).toString('hex'),
    CODEC_AUTH_TOKEN: () => randomBytes(32).toString('hex'),
    PAYLOAD_CODEC_KEYS: () => `k1:${randomBytes(32).toString('base64')}`,
    NOTIFY_SECRETS: () => `default=whsec_${randomBytes(32).toString('base64')}`,
  };
  for (const [name, make] of Object.entries(secrets)) if (filled.has(name)) filled.set(name, make());
  filled.delete('PAYLOAD_CODEC_KEY_FILE');
  return filled;
}

function environmentOf(service: Service): Record<string, string | null> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0] ?? entry, entry.split('=')[1] ?? null]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? null : String(v)]));
}

function healthcheckText(service: Service): string {
  const check = service.healthcheck?.test;
  assert.ok(check, 'has a healthcheck');
  return Array.isArray(check) ? check.join(' ') : check;
}

/** The config variables the app cannot start without, found by asking the config loader. */
function requiredConfigVars(example: Map<string, string>): string[] {
  const env: Record<string, string> = {};
  const required: string[] = [];
  for (;;) {
    try {
      loadConfig(env);
      return required;
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      const name = /^(\w+) is missing/.exec(err.message)?.[1];
      assert.ok(name, `the config rejected a documented value: ${err.message}`);
      const value = filledIn(example).get(name);
      assert.ok(value !== undefined, `${name} is required by src/config.ts but not in .env.example`);
      env[name] = value;
      required.push(name);
    }
  }
}

test('compose: every depends_on and network_mode names an existing service', () => {
  for (const [name, service] of Object.entries(services)) {
    const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dep of deps) assert.ok(services[dep], `${name} depends on unknown service ${dep}`);
    const shared = /^service:(.+)$/.exec(service.network_mode ?? '')?.[1];
    if (shared) assert.ok(services[shared], `${name} shares the network of unknown service ${shared}`);
  }
});

test('compose: every ${VAR} has a default or is documented in .env.example', () => {
  const documented = envExample();
  // `$${...}` is an escaped dollar for the container's shell, not compose interpolation.
  const references = [...composeText.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)(:?[-?+])?/g)];
  assert.ok(references.length > 0);
  for (const [, name, operator] of references) {
    const hasDefault = operator === ':-' || operator === '-';
    assert.ok(hasDefault || documented.has(name!), `\${${name}} has no default and is not in .env.example`);
  }
});

test('.env.example documents every config variable with a valid value, once its secrets are filled in', () => {
  const example = envExample();
  const config = loadConfig(Object.fromEntries(filledIn(example)));
  for (const name of Object.keys(config)) assert.ok(example.has(name), `${name} is not in .env.example`);
});

test('.env.example copied as is does not start: its placeholder secrets are refused', () => {
  assert.throws(
    () => loadConfig(Object.fromEntries(envExample())),
    (e) => e instanceof ConfigError && /^RECALL_API_KEY is invalid: is the placeholder/.test(e.message),
  );
});

/** `[host:]published:container` of each published port. */
function publishedPorts(service: Service): { host?: string; port: string }[] {
  return (service.ports ?? []).map((entry) => {
    const match = /^(?:([\d.]+):)?(\$\{[^}]+\}|\d+):\d+$/.exec(entry);
    assert.ok(match, `unexpected port entry ${entry}`);
    return match[1] ? { host: match[1], port: match[2]! } : { port: match[2]! };
  });
}

test('compose is locked down: only the webhook receiver is published beyond 127.0.0.1', () => {
  for (const [name, service] of Object.entries(services)) {
    for (const { host, port } of publishedPorts(service)) {
      if (name === 'webhooks') assert.match(port, /WEBHOOK_PUBLISH_PORT/);
      else assert.equal(host, '127.0.0.1', `${name} publishes ${port} beyond loopback`);
    }
  }
  for (const name of ['temporal', 'temporal-ui', 'codec-server']) {
    assert.ok(publishedPorts(services[name]!).length > 0, `${name} is published`);
  }
  // The receiver's /readyz and /metrics live on their own listener, which is not published.
  const receiver = environmentOf(services.webhooks!);
  assert.equal(receiver.WEBHOOK_OPS_PORT, '8081');
  assert.equal(publishedPorts(services.webhooks!).length, 1);
});

test('compose: the Web UI runs a non-root release (2.44 or later) and decodes through the codec server', () => {
  const version = /temporalio\/ui:\$\{TEMPORAL_UI_VERSION:-(\d+)\.(\d+)\.\d+\}/.exec(
    services['temporal-ui']!.image ?? '',
  );
  assert.ok(version, 'the UI image has a pinned default version');
  assert.ok(
    Number(version[1]) > 2 || Number(version[2]) >= 44,
    `temporalio/ui ${version[1]}.${version[2]} runs as root`,
  );
  const ui = environmentOf(services['temporal-ui']!);
  const codec = environmentOf(services['codec-server']!);
  assert.match(ui.TEMPORAL_CODEC_ENDPOINT ?? '', /^http:\/\/localhost:\$\{CODEC_PUBLISH_PORT:-8088\}$/);
  assert.equal(codec.CODEC_SERVER_PORT, '8088');
  assert.match(codec.CODEC_CORS_ORIGINS ?? '', /TEMPORAL_UI_PORT/);
  for (const name of ['worker', 'webhooks', 'codec-server']) {
    assert.ok('PAYLOAD_CODEC_KEYS' in environmentOf(services[name]!), `${name} gets the payload keys`);
  }
});

test('compose: the worker and receiver get every required config variable, and only config and S3 variables', () => {
  const example = envExample();
  const required = requiredConfigVars(example);
  assert.deepEqual(required.sort(), ['RECALL_API_KEY', 'RECALL_WEBHOOK_SECRET']);
  const known = new Set([...CONFIG_VARIABLES, ...S3_ENVIRONMENT]);
  for (const name of ['worker', 'webhooks']) {
    const env = environmentOf(services[name] ?? {});
    for (const variable of required) assert.ok(variable in env, `${name} does not get ${variable}`);
    for (const [variable, value] of Object.entries(env)) {
      assert.ok(known.has(variable), `${name} gets unknown ${variable}`);
      // A key without a value is passed through from the host: it has to be documented.
      if (value === null) assert.ok(example.has(variable), `${name} passes through undocumented ${variable}`);
    }
    assert.equal(env.TEMPORAL_ADDRESS, 'temporal:7233');
  }
});

test('Dockerfile CMD and compose commands run files the build emits', () => {
  const base = JSON.parse(read('tsconfig.json')) as { compilerOptions: { outDir: string; rootDir: string } };
  const build = JSON.parse(read('tsconfig.build.json')) as { include: string[]; compilerOptions?: object };
  const options = { ...base.compilerOptions, ...build.compilerOptions };
  assert.equal(options.outDir, 'dist');
  assert.equal(options.rootDir, '.');

  const dockerfile = read('Dockerfile');
  const cmd = JSON.parse(/^CMD\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
  const commands = [
    cmd,
    ...Object.values(services)
      .filter((s) => s.image?.startsWith('breakout-recorder'))
      .map((s) => s.command as string[]),
  ];
  assert.ok(commands.length >= 5, 'Dockerfile CMD, worker, webhooks, emulator, minio-bucket');
  for (const command of commands) {
    assert.equal(command[0], 'node');
    const emitted = command[1] ?? '';
    const source = /^dist\/(.+)\.js$/.exec(emitted)?.[1];
    assert.ok(source, `${emitted} is not under dist/`);
    assert.ok(existsSync(join(ROOT, `${source}.ts`)), `${emitted} has no source ${source}.ts`);
    assert.ok(build.include.includes(source.split('/')[0]!), `${source}.ts is outside tsconfig.build.json`);
  }
  // The production worker loads dist/workflow-bundle.js, which `npm run build` writes.
  assert.match(dockerfile, /RUN npm run build/);
  assert.match(read('scripts/build-workflow-bundle.ts'), /'dist', 'workflow-bundle\.js'/);
  assert.match(dockerfile, /^USER node$/m);
  assert.match(dockerfile, /NODE_ENV=production/);
});

test('compose: the search attribute job runs the production registration script', () => {
  const job = services['temporal-search-attributes'];
  const mount = (job?.volumes ?? []).find((v) => v.startsWith('./scripts/search-attributes.sh:'));
  assert.ok(mount, 'mounts scripts/search-attributes.sh');
  assert.ok(existsSync(join(ROOT, 'scripts', 'search-attributes.sh')));
  const target = mount.split(':')[1]!;
  assert.match((job?.command as string[]).join('\n'), new RegExp(`bash ${target} --apply`));
});

test('compose: healthchecks probe endpoints that answer 200', async () => {
  const receiverCheck = healthcheckText(services.webhooks!);
  const path = /127\.0\.0\.1:8080(\/\w+)/.exec(receiverCheck)?.[1];
  assert.equal(environmentOf(services.webhooks!).WEBHOOK_PORT, '8080');
  const client = lazyTemporalClient({ address: '127.0.0.1:1', namespace: 'default' });
  const receiver = buildWebhookServer({ webhookSecret: 'whsec_dGVzdA==', client, logger: pino({ level: 'silent' }) });
  try {
    assert.equal((await receiver.inject({ method: 'GET', url: path! })).statusCode, 200, `receiver ${path}`);
  } finally {
    await receiver.close();
    await client.connection.close();
  }

  const workerCheck = healthcheckText(services.worker!);
  const metricsPort = environmentOf(services.worker!).WORKER_METRICS_ADDRESS?.split(':')[1];
  assert.match(workerCheck, new RegExp(`127\\.0\\.0\\.1:${metricsPort}/metrics`));

  const codecCheck = healthcheckText(services['codec-server']!);
  const codecPath = /127\.0\.0\.1:8088(\/\w+)/.exec(codecCheck)?.[1];
  const codecServer = buildCodecServer({
    codec: new EncryptionCodec([{ id: 'k1', key: randomBytes(32) }]),
    authToken: randomBytes(32).toString('hex'),
    corsOrigins: [],
    logger: pino({ level: 'silent' }),
  });
  try {
    assert.equal((await codecServer.inject({ method: 'GET', url: codecPath! })).statusCode, 200, `codec ${codecPath}`);
  } finally {
    await codecServer.close();
  }

  const emulatorCheck = healthcheckText(services.emulator!);
  const emulatorPath = /127\.0\.0\.1:(\d+)(\/[\w/]+)/.exec(emulatorCheck);
  assert.equal(emulatorPath?.[1], String(environmentOf(services.emulator!).EMULATOR_PORT));
  const emulator = await startEmulator({ apiKey: 'k' });
  try {
    assert.equal((await fetch(`${emulator.baseUrl}${emulatorPath?.[2]}`)).status, 200, `emulator ${emulatorPath?.[2]}`);
  } finally {
    await emulator.close();
  }
});

test('compose: Temporal runs as temporalio/server after a temporal-sql-tool schema job, never auto-setup', () => {
  for (const [name, service] of Object.entries(services)) {
    assert.ok(!service.image?.includes('auto-setup'), `${name}: temporalio/auto-setup is deprecated`);
  }
  const server = /^temporalio\/server:\$\{TEMPORAL_VERSION:-(\d+\.\d+)\.\d+\}$/.exec(services.temporal?.image ?? '');
  assert.ok(server, 'temporalio/server with a pinned patch version');
  const schema = services['temporal-schema']!;
  for (const job of [schema, services['temporal-search-attributes']!]) {
    const tools = /^temporalio\/admin-tools:\$\{TEMPORAL_ADMINTOOLS_VERSION:-(\d+\.\d+)\.\d+-/.exec(job.image ?? '');
    assert.equal(tools?.[1], server[1], 'admin-tools and server move together');
  }
  const mount = (schema.volumes ?? []).find((v) => v.startsWith('./scripts/temporal-schema.sh:'));
  assert.ok(mount, 'mounts scripts/temporal-schema.sh');
  assert.deepEqual(schema.command, [mount.split(':')[1]]);
  const script = read('scripts/temporal-schema.sh');
  assert.match(script, /setup-schema -v 0\.0/);
  assert.match(script, /update-schema -d/);
  assert.deepEqual(Object.keys(services.temporal?.depends_on ?? {}), ['temporal-schema']);
});

test('compose: every wait loop is bounded, so `up` fails instead of hanging', () => {
  for (const [name, service] of Object.entries(services)) {
    const command = Array.isArray(service.command) ? service.command.join('\n') : (service.command ?? '');
    for (const line of command.split('\n').filter((l) => /\buntil\b|\bwhile\b/.test(l))) {
      assert.match(line, /^\s*timeout \d+ /, `${name}: unbounded loop: ${line.trim()}`);
    }
  }
  assert.ok(!/until .*; do sleep/.test(read('scripts/search-attributes.sh')), 'the script waits with a bound');
});

test('compose: the worker and receiver keep artifacts in MinIO, whose bucket a job creates first', () => {
  for (const name of ['worker', 'webhooks']) {
    const env = environmentOf(services[name]!);
    assert.match(env.ARTIFACTS_URL ?? '', /^\$\{ARTIFACTS_URL:-s3:\/\/[a-z0-9-]+\/\w+\}$/);
    assert.match(env.AWS_ENDPOINT_URL_S3 ?? '', /http:\/\/minio:9000/);
    assert.ok(!('ARTIFACTS_DIR' in env), `${name} still writes to a local volume`);
    assert.ok('minio-bucket' in (services[name]!.depends_on as Record<string, unknown>));
  }
  assert.deepEqual(services['minio-bucket']!.command, ['node', 'dist/src/artifacts/ensure-bucket.js']);
  assert.ok('minio' in (services['minio-bucket']!.depends_on as Record<string, unknown>));
  assert.match(read('docker/minio/Dockerfile'), new RegExp(`minio@\\$\\{MINIO_VERSION\\}`));
  assert.match(healthcheckText(services.minio!), /minio\/health\/live/);
});
