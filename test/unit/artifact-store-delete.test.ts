import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { UnsafeKeyError } from '../../src/artifacts/errors';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import { RECEIPTS_NAMESPACE } from '../../src/artifacts/store';

void describe('LocalArtifactStore.deleteMeeting', () => {
  let dir: string;
  let root: string;
  let store: LocalArtifactStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artifact-delete-'));
    root = join(dir, 'root');
    store = new LocalArtifactStore(root);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  void it('removes every object of the meeting, lists what it removed, and leaves other meetings and receipts', async () => {
    const meeting = 'meeting/delete-me';
    const videoKey = { meetingWorkflowId: meeting, roomKey: 'room-1', botId: 'bot-1', name: 'video.mp4' };
    const video = await store.put(videoKey, Readable.from([Buffer.from('video')]));
    const room = await store.putJson({ meetingWorkflowId: meeting, roomKey: 'room-1', name: 'room.json' }, {});
    const manifest = await store.putJson({ meetingWorkflowId: meeting, name: 'manifest.json' }, {});
    await store.putJson({ meetingWorkflowId: 'meeting/keep', name: 'manifest.json' }, { keep: true });
    const receiptKey = { meetingWorkflowId: RECEIPTS_NAMESPACE, roomKey: meeting, name: 'deletion.json' };
    await store.putJson(receiptKey, { kept: true });
    // An unfinished write is removed with the rest, though it never was an object.
    await writeFile(join(root, 'meeting%2Fdelete-me', 'room-1', '.x.partial'), 'half');

    const removed = await store.deleteMeeting(meeting);
    assert.deepEqual(removed, [manifest.uri, room.uri, video.uri].sort());
    assert.deepEqual(await store.deleteMeeting(meeting), [], 'a second deletion finds nothing');
    assert.equal(await store.sizeOf(videoKey), undefined);
    assert.deepEqual(await store.getJson({ meetingWorkflowId: 'meeting/keep', name: 'manifest.json' }), { keep: true });
    assert.deepEqual(await store.getJson(receiptKey), { kept: true });
    assert.deepEqual((await readdir(root)).sort(), [RECEIPTS_NAMESPACE, 'meeting%2Fkeep']);
  });

  void it('refuses the receipts namespace and a meeting directory that is a symlink', async () => {
    await assert.rejects(store.deleteMeeting(RECEIPTS_NAMESPACE), UnsafeKeyError);
    const outside = join(dir, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'precious'), 'x');
    await symlink(outside, join(root, 'meeting%2Flinked'));
    await assert.rejects(store.deleteMeeting('meeting/linked'), UnsafeKeyError);
    assert.deepEqual(await readdir(outside), ['precious']);
  });
});
