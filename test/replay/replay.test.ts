/**
 * Replays the histories committed under test/histories/ (captured with `CAPTURE_HISTORIES=1 npm test`)
 * against today's workflow code: a change that is not deterministic fails here, before it reaches a
 * worker that has those workflows open.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../support/histories';

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.bin'));

test('committed histories cover both workflow types', () => {
  const ids = files.map((f) => decodeURIComponent(f.slice(0, -'.bin'.length)));
  assert.ok(
    ids.some((id) => /\/room\//.test(id)),
    'a room history',
  );
  assert.ok(
    ids.some((id) => !/\/room\//.test(id)),
    'a meeting history',
  );
});

test('every committed history replays without a determinism error', async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('ERROR'),
  });
  const histories = files.map((file) => ({
    workflowId: decodeURIComponent(file.slice(0, -'.bin'.length)),
    history: temporal.api.history.v1.History.decode(readFileSync(join(HISTORIES_DIR, file))),
  }));
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
    assert.equal(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
    replayed++;
  }
  assert.equal(replayed, files.length);
});
