/**
 * Room workflows never load zod. The SDK instantiates every module a workflow loads once per cached
 * workflow, and zod with the contracts' schemas is about 1.1 MB of heap in each: on a worker with
 * 2,000 rooms cached, that was most of its memory. Only a meeting validates its input, and loads
 * the schemas when it does (workflows/plan.ts). Here the bundle is built with zod left out (the
 * bundler replaces it with an empty module): every committed history of the other workflows still
 * replays, and no meeting history does, which shows zod really was left out.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { temporal } from '@temporalio/proto';
import {
  bundleWorkflowCode,
  DefaultLogger,
  makeTelemetryFilterString,
  Runtime,
  Worker,
  type WorkflowBundle,
} from '@temporalio/worker';
import { HISTORIES_ROOT, workflowIdOfFile } from '../support/histories';

/** Every committed history of every release, with its workflow type. */
const all = readdirSync(HISTORIES_ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(HISTORIES_ROOT, d.name))
      .filter((f) => f.endsWith('.bin'))
      .map((file) => {
        const history = temporal.api.history.v1.History.decode(readFileSync(join(HISTORIES_ROOT, d.name, file)));
        const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
        return { workflowId: workflowIdOfFile(file), history, type };
      }),
  );
const isMeeting = (h: { type?: string | null }) => h.type === 'meetingWorkflow';

async function replay(bundle: WorkflowBundle, which: (h: (typeof all)[number]) => boolean) {
  const errors: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, all.filter(which))) {
    if (result.error) errors.push(`${result.workflowId}: ${String(result.error)}`);
    replayed++;
  }
  return { replayed, errors };
}

let withoutZod: WorkflowBundle;
before(async () => {
  // The meetings' failed workflow tasks are expected here: the core's warning for each is not shown.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
  withoutZod = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    ignoreModules: ['zod'],
    logger: new DefaultLogger('ERROR'),
  });
});

test('every committed history but the meetings (rooms, notifications, deletions) replays without zod', async () => {
  assert.ok(
    all.some((h) => h.type === 'roomWorkflow'),
    'room histories',
  );
  const { replayed, errors } = await replay(withoutZod, (h) => !isMeeting(h));
  assert.ok(replayed > 0);
  assert.deepEqual(errors, []);
});

test('a meeting, which validates its input, does need zod', async () => {
  const { replayed, errors } = await replay(withoutZod, isMeeting);
  assert.ok(replayed > 0, 'meeting histories');
  assert.equal(errors.length, replayed, `every meeting history fails without zod: ${errors.length} of ${replayed}`);
});
