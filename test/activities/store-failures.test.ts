import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createCollectActivities } from '../../activities/collect-artifacts';
import { createManifestActivities } from '../../activities/manifest-activities';
import { toStoreFailure } from '../../activities/store-failure';
import type { BotCollection, CollectInput } from '../../activities/types';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import type { RoomResult } from '../../src/contracts';
import { RecallClient } from '../../src/recall';
import { FakeRecall } from './fake-recall';

const env = () => new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') });

async function failureOf(run: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await run.then(
    () => assert.fail('the activity succeeded'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApplicationFailure, `not an ApplicationFailure: ${String(err)}`);
  return err;
}

const room: RoomResult = {
  key: 'room-1',
  name: 'Room 1',
  workflowId: 'meeting/m/room/room-1',
  outcome: 'recorded',
  reason: 'recorded',
  bots: [],
  artifacts: [],
  missing: [],
  gaps: [],
  timeline: [],
  recordingNotices: [],
};

void describe('storage faults are typed, retryable failures', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'store-failures-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  void it('a full disk (ENOSPC) is ArtifactStoreFull; other I/O errors are ArtifactStoreUnavailable', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const full = toStoreFailure(enospc);
    assert.equal(full.type, 'ArtifactStoreFull');
    assert.equal(full.nonRetryable, false);
    assert.equal(full.cause, enospc);
    const eio = toStoreFailure(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    assert.equal(eio.type, 'ArtifactStoreUnavailable');
    assert.equal(eio.nonRetryable, false);
  });

  void it('a manifest write to a broken store fails typed and retryable, and succeeds once the store is back', async () => {
    const root = join(dir, 'manifests');
    await writeFile(root, 'a file where the store root should be');
    const activities = createManifestActivities(new LocalArtifactStore(root));
    const write = () =>
      env().run((input: { meetingWorkflowId: string; result: RoomResult }) => activities.writeRoomManifest(input), {
        meetingWorkflowId: 'meeting/m',
        result: room,
      });
    const failure = await failureOf(write());
    assert.equal(failure.type, 'ArtifactStoreUnavailable');
    assert.equal(failure.nonRetryable, false);
    await rm(root);
    assert.match(String(await write()), /^file:.*room\.json$/);
  });

  void it('a disk that cannot hold a download is a retryable failure naming the file', async () => {
    const fake = await new FakeRecall().start();
    fake.addBot('bot-1', [{ id: 'rec-1' }]);
    const recall = new RecallClient({ apiKey: 'test-key', baseUrl: fake.url });
    // A reserve no disk has: every download that announces its size is refused before its body is read.
    const activities = createCollectActivities(
      recall,
      new LocalArtifactStore(join(dir, 'full'), { reserveBytes: 2 ** 60 }),
    );
    const input: CollectInput = { meetingWorkflowId: 'meeting/m', roomKey: 'room-1', botId: 'bot-1' };
    try {
      const failure = await failureOf(
        env().run<[CollectInput], BotCollection, typeof activities.collectArtifacts>(
          (i) => activities.collectArtifacts(i),
          input,
        ),
      );
      assert.equal(failure.type, 'ArtifactsIncomplete');
      assert.equal(failure.nonRetryable, false);
      assert.match(failure.message, /video\.mp4: artifact store: video\.mp4 needs \d+ bytes plus a reserve/);
    } finally {
      await recall.close();
      await fake.close();
    }
  });
});
