/**
 * No Docker engine runs in CI, so the deployment files are checked statically against the code they
 * deploy: services, variables, build outputs, health endpoints and search attributes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config';
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
      const value = example.get(name);
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

test('.env.example documents every config variable with a valid value', () => {
  const example = envExample();
  const config = loadConfig(Object.fromEntries(example));
  for (const name of Object.keys(config)) assert.ok(example.has(name), `${name} is not in .env.example`);
});

test('compose: the worker and receiver get every required config variable, and only config variables', () => {
  const example = envExample();
  const required = requiredConfigVars(example);
  assert.deepEqual(required.sort(), ['RECALL_API_KEY', 'RECALL_WEBHOOK_SECRET']);
  const known = new Set(Object.keys(loadConfig(Object.fromEntries(example))));
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
      .filter((s) => s.image?.startsWith('breakout-recorder') || s.build)
      .map((s) => s.command as string[]),
  ];
  assert.ok(commands.length >= 4, 'Dockerfile CMD, worker, webhooks, emulator');
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
