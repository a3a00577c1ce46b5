/**
 * Replays the histories of every release (test/histories/<version>/, captured with
 * `CAPTURE_HISTORIES=1 npm test`) against today's workflow code: a change that would break a workflow
 * that a running worker has open fails here, before it is deployed. And it shows the check has teeth:
 * a bundle with one unpatched change to the room workflow fails the same replay.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { HISTORIES_ROOT, RELEASE, workflowIdOfFile } from '../support/histories';

const releases = readdirSync(HISTORIES_ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

function historiesOf(release: string) {
  const dir = join(HISTORIES_ROOT, release);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .map((file) => ({
      workflowId: workflowIdOfFile(file),
      history: temporal.api.history.v1.History.decode(readFileSync(join(dir, file))),
    }));
}

async function replayErrors(workflowBundle: WorkflowBundle, release: string): Promise<string[]> {
  const errors: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle }, historiesOf(release))) {
    if (result.error) errors.push(`${result.workflowId}: ${String(result.error)}`);
    replayed++;
  }
  assert.ok(replayed > 0, `release ${release} has histories`);
  return errors;
}

let bundle: WorkflowBundle;
before(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('ERROR'),
  });
});

test('the previous release and this one have committed histories of both workflow types', () => {
  assert.ok(releases.includes('0.1.0'), 'the previous release');
  assert.ok(releases.includes(RELEASE), `this release (${RELEASE})`);
  for (const release of releases) {
    const ids = historiesOf(release).map((h) => h.workflowId);
    assert.ok(
      ids.some((id) => /\/room\//.test(id)),
      `${release}: a room history`,
    );
    assert.ok(
      ids.some((id) => !/\/room\//.test(id)),
      `${release}: a meeting history`,
    );
  }
});

for (const release of releases) {
  test(`every history of release ${release} replays on today's code`, async () => {
    assert.deepEqual(await replayErrors(bundle, release), []);
  });
}

void describeUnpatchedChange();

/** A copy of the workflow code with one more timer at the start of today's room workflow, unpatched. */
function describeUnpatchedChange(): void {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'unpatched-'));
    const root = join(__dirname, '..', '..');
    for (const folder of ['workflows', 'src', 'activities'])
      cpSync(join(root, folder), join(dir, folder), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const file = join(dir, 'workflows', 'room-workflow.ts');
    const code = readFileSync(file, 'utf8');
    const start = 'const room = new Room(input, release, carried);';
    assert.ok(code.includes(start), 'the room workflow still starts this way; update this test');
    writeFileSync(
      file,
      code.replace(start, `await sleep(1);\n  ${start}`).replace('  patched,\n', '  patched,\n  sleep,\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test(`an unpatched change to the room workflow fails the replay of release ${RELEASE}`, async () => {
    const changed = await bundleWorkflowCode({
      workflowsPath: join(dir, 'workflows', 'index.ts'),
      logger: new DefaultLogger('ERROR'),
    });
    const errors = await replayErrors(changed, RELEASE);
    assert.ok(
      errors.some((e) => /\/room\//.test(e) && /[Nn]ondeterminism|DeterminismViolation/.test(e)),
      `room histories of ${RELEASE} no longer replay: ${errors.length} errors`,
    );
  });
}
