/**
 * A worker started while Temporal is down (a server restart, a deploy) waits for it instead of
 * exiting: `npm run worker` against an address where nothing listens stays up and says why.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../src/devstack/free-port';
import { waitFor } from '../support/wait';

test('a worker whose Temporal server is unreachable keeps running and retries, logging the address', async () => {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../workers/main.ts')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'unreachable',
      RECALL_API_KEY: `key-${randomBytes(16).toString('hex')}`,
      RECALL_BASE_URL: 'http://127.0.0.1:9',
      RECALL_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      ARTIFACTS_DIR: mkdtempSync(join(tmpdir(), 'unreachable-')),
      WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  try {
    const attempts = () => output.join('').split('Temporal is not reachable yet').length - 1;
    await waitFor('two failed connection attempts', () => attempts() >= 2 || child.exitCode !== null, 60_000);
    assert.equal(child.exitCode, null, `the worker exited: ${output.join('')}`);
    assert.match(output.join(''), new RegExp(`127\\.0\\.0\\.1:${port}`));
  } finally {
    child.kill('SIGKILL');
  }
});
