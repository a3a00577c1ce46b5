import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IncompleteBodyError, StoreFullError, UnsafeKeyError } from '../../src/artifacts/errors';
import { encodeSegment } from '../../src/artifacts/key-encoding';
import { LocalArtifactStore } from '../../src/artifacts/local-store';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

void describe('LocalArtifactStore', () => {
  let dir: string;
  let root: string;
  let outside: string;
  let store: LocalArtifactStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artifact-store-'));
    root = join(dir, 'root');
    outside = join(dir, 'outside');
    await mkdir(outside, { recursive: true });
    store = new LocalArtifactStore(root);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  void it('stores a stream whole, with its size and sha256', async () => {
    const stored = await store.put(
      { meetingWorkflowId: 'meeting/abc', roomKey: 'room-1', botId: 'bot-1', name: 'video.mp4' },
      Readable.from([Buffer.from('hello '), Buffer.from('world')]),
    );
    assert.equal(stored.bytes, 11);
    assert.equal(stored.sha256, sha256('hello world'));
    assert.equal(await readFile(fileURLToPath(stored.uri), 'utf8'), 'hello world');
  });

  void it('keeps keys apart that the old encoding merged (a:b and a_b, a/b and a__b)', async () => {
    const pairs = [
      ['meeting/a:b', 'meeting/a_b'],
      ['meeting/a/b', 'meeting/a__b'],
      ['.', '%2E'],
      ['..', '_.._'],
      ['Ünïcode', '%C3%9Cn%C3%AFcode'],
    ];
    for (const [first, second] of pairs) {
      const a = store.pathOf({ meetingWorkflowId: first!, name: 'manifest.json' });
      const b = store.pathOf({ meetingWorkflowId: second!, name: 'manifest.json' });
      assert.notEqual(a, b, `${first} and ${second} share ${a}`);
      await store.putJson({ meetingWorkflowId: first!, name: 'manifest.json' }, { id: first });
      await store.putJson({ meetingWorkflowId: second!, name: 'manifest.json' }, { id: second });
      assert.deepEqual(await store.getJson({ meetingWorkflowId: first!, name: 'manifest.json' }), { id: first });
    }
  });

  void it('encodes each segment injectively, never as ., .. or a hidden name, and within name limits', () => {
    const values = ['a', 'a_b', 'a:b', 'a%3Ab', '.', '..', '.hidden', 'x.', 'a b', 'ä', 'a/b', 'a__b', 'A', '%'];
    const long = ['x'.repeat(500), `${'x'.repeat(499)}y`, `${':'.repeat(300)}`];
    const encoded = [...values, ...long].map(encodeSegment);
    assert.equal(new Set(encoded).size, encoded.length, encoded.join(' '));
    for (const name of encoded) {
      assert.match(name, /^[A-Za-z0-9_%~-][A-Za-z0-9._%~-]*$/);
      assert.ok(Buffer.byteLength(name) <= 200, name);
    }
    assert.throws(() => encodeSegment(''), UnsafeKeyError);
  });

  void it('reads an object back by the URI it was stored under, and nothing outside the root', async () => {
    const key = { meetingWorkflowId: 'meeting/read', roomKey: 'room-1', botId: 'bot-1', name: 'transcript.json' };
    const stored = await store.put(key, Readable.from([Buffer.from('[{"words":[]}]')]));
    const body = await store.read(stored.uri);
    assert.ok(body);
    assert.equal(Buffer.concat(await body.toArray()).toString('utf8'), '[{"words":[]}]');
    assert.equal(await store.read(store.uriOf({ ...key, name: 'absent.json' })), undefined);
    await writeFile(join(dir, 'secret.txt'), 'secret');
    await assert.rejects(store.read(pathToFileURL(join(dir, 'secret.txt')).href), UnsafeKeyError);
    await assert.rejects(store.read(`${pathToFileURL(root).href}/../secret.txt`), UnsafeKeyError);
    await assert.rejects(store.read('s3://bucket/meeting/read'), UnsafeKeyError);
    await symlink(join(dir, 'secret.txt'), store.pathOf({ ...key, name: 'planted.json' }));
    await assert.rejects(store.read(store.uriOf({ ...key, name: 'planted.json' })), UnsafeKeyError);
  });

  void it('never writes outside the root through a directory symlink planted under it', async () => {
    await mkdir(join(root, 'meeting%2Fplanted'), { recursive: true });
    await symlink(outside, join(root, 'meeting%2Fplanted', 'room-1'));
    const key = { meetingWorkflowId: 'meeting/planted', roomKey: 'room-1', botId: 'bot', name: 'video.mp4' };
    await assert.rejects(store.put(key, Readable.from([Buffer.from('secret')])), UnsafeKeyError);
    await assert.rejects(store.getJson({ ...key, name: 'collection.json' }), UnsafeKeyError);
    await assert.rejects(store.sizeOf(key), UnsafeKeyError);
    assert.deepEqual(await readdir(outside), []);
  });

  void it('replaces a symlink planted at an object name instead of writing through it', async () => {
    const target = join(outside, 'victim.txt');
    await writeFile(target, 'untouched');
    const key = { meetingWorkflowId: 'meeting/link', name: 'manifest.json' };
    await mkdir(join(root, 'meeting%2Flink'), { recursive: true });
    await symlink(target, store.pathOf(key));
    await store.putJson(key, { ok: true });
    assert.equal(await readFile(target, 'utf8'), 'untouched');
    assert.deepEqual(await store.getJson(key), { ok: true });
  });

  void it('refuses up front, with a typed error, an object the disk cannot hold with its reserve', async () => {
    const key = { meetingWorkflowId: 'meeting/full', name: 'video.mp4' };
    let pulled = false;
    const body = new Readable({
      read() {
        pulled = true;
        this.push(null);
      },
    });
    await assert.rejects(store.put(key, body, { expectedBytes: 2 ** 60 }), StoreFullError);
    assert.equal(pulled, false, 'the body was read');
    assert.ok(body.destroyed, 'the refused body still holds its connection');
    assert.equal(await store.sizeOf(key), undefined);
  });

  void it('does not publish a body shorter than announced, and leaves no temporary file', async () => {
    const key = { meetingWorkflowId: 'meeting/short', name: 'video.mp4' };
    await assert.rejects(
      store.put(key, Readable.from([Buffer.from('abc')]), { expectedBytes: 10 }),
      IncompleteBodyError,
    );
    assert.equal(await store.sizeOf(key), undefined);
    assert.deepEqual(await readdir(join(root, 'meeting%2Fshort')), []);
  });

  void it('sweeps stale .partial files and keeps fresh ones and real objects', async () => {
    const folder = join(root, 'meeting%2Fsweep', 'room-1');
    await mkdir(folder, { recursive: true });
    const stale = join(folder, '.0d6f.partial');
    const fresh = join(folder, '.9a1c.partial');
    await writeFile(stale, 'left by a killed worker');
    await writeFile(fresh, 'being written right now');
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    await utimes(stale, hourAgo, hourAgo);
    await store.putJson({ meetingWorkflowId: 'meeting/sweep', roomKey: 'room-1', name: 'room.json' }, {});
    assert.equal(await store.sweepPartials({ olderThanMs: 10 * 60 * 1000 }), 1);
    assert.deepEqual((await readdir(folder)).sort(), ['.9a1c.partial', 'room.json']);
    assert.equal(await new LocalArtifactStore(join(dir, 'never-created')).sweepPartials(), 0);
  });
});
