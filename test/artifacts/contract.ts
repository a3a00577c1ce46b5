/**
 * The artifact store's contract, one suite for every store: `artifact-stores.test.ts` runs it on
 * the local directory and on S3 (a real MinIO the test starts). A store passes only if the product
 * can rely on it the same way whichever one is configured.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createCollectActivities } from '../../activities/collect-artifacts';
import { createManifestActivities } from '../../activities/manifest-activities';
import type { BotCollection, CollectInput } from '../../activities/types';
import { ArtifactNotFoundError, artifactUrls } from '../../src/artifacts/artifact-urls';
import { ArtifactTooLargeError, IncompleteBodyError, UnsafeKeyError } from '../../src/artifacts/errors';
import type { ArtifactKey, ArtifactStore } from '../../src/artifacts/store';
import type { RoomResult } from '../../src/contracts';
import { RecallClient } from '../../src/recall';
import { FakeRecall } from '../activities/fake-recall';

/** What the suite needs to see inside a store, beyond its interface. */
export interface StoreUnderTest {
  store: ArtifactStore;
  /** The URI scheme of the store's objects (`file:`, `s3:`). */
  scheme: string;
  /** Changes whenever the object under the key is written again, and only then. */
  version: (key: ArtifactKey) => Promise<string>;
  /** When the object was last written, in milliseconds. */
  modifiedAt: (key: ArtifactKey) => Promise<number>;
  /** Bytes of the key's unfinished write that already reached the store (temporary file, uploaded parts). */
  bytesInFlight: (key: ArtifactKey) => Promise<number>;
  /** The sha256 the store keeps with the object, read as the store's own tools would. */
  recordedSha256: (key: ArtifactKey) => Promise<string | undefined>;
  /** URIs that name something outside this store. */
  foreignUris: string[];
  /** Reads a URL that `presign` handed out. */
  readUrl: (url: string) => Promise<Buffer>;
}

const MiB = 1024 ** 2;
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const QUIET = new DefaultLogger('ERROR');

async function readAll(body: Readable | undefined): Promise<Buffer> {
  assert.ok(body, 'no object');
  return Buffer.concat(await body.toArray());
}

let counter = 0;
const keyOf = (name: string): ArtifactKey => ({
  meetingWorkflowId: `meeting/contract-${process.pid}-${++counter}`,
  roomKey: 'room-1',
  botId: 'bot-1',
  name,
});

export function artifactStoreContract(name: string, setup: () => StoreUnderTest): void {
  void describe(`artifact store contract: ${name}`, () => {
    void it('stores a stream with its size and sha256, and reads it back by URI and key', async () => {
      const { store, scheme, recordedSha256 } = setup();
      const key = keyOf('transcript.json');
      const stored = await store.put(key, Readable.from([Buffer.from('hello '), Buffer.from('world')]), {
        expectedBytes: 11,
      });
      assert.equal(stored.bytes, 11);
      assert.equal(stored.sha256, sha256('hello world'));
      assert.equal(new URL(stored.uri).protocol, scheme);
      assert.equal(stored.uri, store.uriOf(key));
      assert.equal((await readAll(await store.read(stored.uri))).toString('utf8'), 'hello world');
      assert.deepEqual(await store.head(key), { bytes: 11, sha256: sha256('hello world') });
      assert.equal(await store.sizeOf(key), 11);
      assert.equal(await recordedSha256(key), stored.sha256);
      assert.equal(await store.head({ ...key, name: 'absent.json' }), undefined);
      assert.equal(await store.read(store.uriOf({ ...key, name: 'absent.json' })), undefined);
      assert.equal(await store.getJson({ ...key, name: 'absent.json' }), undefined);
    });

    void it('streams a large body in parts, never whole, and records its sha256', async () => {
      const { store, bytesInFlight, recordedSha256 } = setup();
      const key = keyOf('video.mp4');
      const total = 40 * MiB;
      const hash = createHash('sha256');
      let landedBeforeEnd = 0;
      async function* body(): AsyncGenerator<Buffer> {
        for (let sent = 0; sent < total; sent += MiB) {
          if (sent === total - MiB) {
            // The last chunk waits until the store holds a good part of the rest: a store that
            // buffered the whole body before writing would never get there.
            const deadline = Date.now() + 60_000;
            while ((landedBeforeEnd = await bytesInFlight(key)) < 16 * MiB && Date.now() < deadline) await delay(50);
          }
          const chunk = randomBytes(MiB);
          hash.update(chunk);
          yield chunk;
        }
      }
      const stored = await store.put(key, Readable.from(body()), { expectedBytes: total });
      assert.ok(landedBeforeEnd >= 16 * MiB, `only ${landedBeforeEnd} bytes reached the store before the body ended`);
      const digest = hash.digest('hex');
      assert.deepEqual({ bytes: stored.bytes, sha256: stored.sha256 }, { bytes: total, sha256: digest });
      assert.equal(await recordedSha256(key), digest);
      assert.deepEqual(await store.head(key), { bytes: total, sha256: digest });
      assert.equal(sha256(await readAll(await store.read(stored.uri))), digest);
    });

    void it('publishes nothing for a short, failing or oversized body, and keeps the old object', async () => {
      const { store } = setup();
      const key = keyOf('video.mp4');
      await store.put(key, Readable.from([Buffer.from('old')]));
      const big = () =>
        Readable.from(
          (function* () {
            for (let i = 0; i < 12; i += 1) yield Buffer.alloc(MiB, i);
          })(),
        );
      await assert.rejects(store.put(key, big(), { expectedBytes: 13 * MiB }), IncompleteBodyError);
      await assert.rejects(
        store.put(key, Readable.from([Buffer.from('x')]), { expectedBytes: 2 }),
        IncompleteBodyError,
      );
      await assert.rejects(store.put(key, big(), { maxBytes: 10 * MiB }), ArtifactTooLargeError);
      const failing = Readable.from(
        (function* () {
          yield Buffer.alloc(9 * MiB, 1);
          throw new Error('connection reset');
        })(),
      );
      await assert.rejects(store.put(key, failing), /connection reset/);
      assert.deepEqual(await store.head(key), { bytes: 3, sha256: sha256('old') });
    });

    void it('leaves an object holding the same bytes as it is, and replaces one holding others', async () => {
      const { store, version } = setup();
      const key = keyOf('room.json');
      await store.putJson(key, { outcome: 'recorded' });
      const first = await version(key);
      const again = await store.putJson(key, { outcome: 'recorded' });
      assert.equal(await version(key), first, 'identical bytes were written again');
      assert.equal(again.uri, store.uriOf(key));
      await store.putJson(key, { outcome: 'failed' });
      assert.notEqual(await version(key), first, 'different bytes were not written');
      assert.deepEqual(await store.getJson(key), { outcome: 'failed' });
    });

    void it('resumes a collection without fetching or writing stored artifacts again, and writes the manifest last', async () => {
      const { store, version, modifiedAt } = setup();
      const fake = await new FakeRecall().start();
      const recall = new RecallClient({ apiKey: 'test-key', baseUrl: fake.url, timeoutMs: 5_000 });
      try {
        fake.addBot('bot-1', [{ id: 'rec-1' }], 10 * MiB);
        fake.fault('bot-1', 'rec-1', 'transcript.json', { type: 'status', status: 503 });
        const input: CollectInput = { ...keyOf('x'), roomKey: 'room-1', botId: 'bot-1' };
        const collect = createCollectActivities(recall, store);
        const env = new MockActivityEnvironment({ attempt: 1 }, { logger: QUIET });
        const run = () =>
          env.run<[CollectInput], BotCollection, (i: CollectInput) => Promise<BotCollection>>(
            (i) => collect.collectArtifacts(i),
            input,
          );
        const failure = await run().then(
          () => assert.fail('the first attempt stored a transcript that answered 503'),
          (err: unknown) => err,
        );
        assert.ok(failure instanceof ApplicationFailure && failure.type === 'ArtifactsIncomplete');
        const videoKey = { ...input, name: 'video.mp4' };
        const videoVersion = await version(videoKey);
        const collection = await run();
        assert.equal(fake.getsOf('video.mp4'), 1, 'the stored video was downloaded again');
        assert.equal(await version(videoKey), videoVersion, 'the stored video was written again');
        assert.equal(collection.artifacts.length, 6);

        const manifests = createManifestActivities(store);
        const room = { key: 'room-1', outcome: 'recorded', artifacts: collection.artifacts } as unknown as RoomResult;
        await env.run(() => manifests.writeRoomManifest({ meetingWorkflowId: input.meetingWorkflowId, result: room }));
        const manifestUri = await env.run(() =>
          manifests.writeMeetingManifest({
            meetingWorkflowId: input.meetingWorkflowId,
            result: { rooms: [room] } as never,
          }),
        );
        const manifestKey = { meetingWorkflowId: input.meetingWorkflowId, name: 'manifest.json' };
        assert.equal(manifestUri, store.uriOf(manifestKey));
        const manifestTime = await modifiedAt(manifestKey);
        for (const artifact of collection.artifacts) {
          const body = await readAll(await store.read(artifact.uri));
          assert.equal(sha256(body), artifact.sha256, artifact.uri);
          assert.equal(body.length, artifact.bytes, artifact.uri);
          const name = artifact.uri.slice(artifact.uri.lastIndexOf('/') + 1);
          assert.ok((await modifiedAt({ ...input, name })) <= manifestTime, `${name} written after the manifest`);
        }
      } finally {
        await recall.close();
        await fake.close();
      }
    });

    void it('hands out a URL that reads one object, and none for a URI outside the store', async () => {
      const { store, readUrl, foreignUris } = setup();
      const key = keyOf('speaker_timeline.json');
      const stored = await store.put(key, Readable.from([Buffer.from('[1,2,3]')]));
      const { url } = await store.presign(stored.uri, { expiresInSeconds: 300 });
      assert.equal((await readUrl(url)).toString('utf8'), '[1,2,3]');
      const room = { ...key, name: 'room.json' };
      const artifact = { kind: 'speaker_timeline', ...stored, botId: 'bot-1', recordingId: 'rec-1' };
      await store.putJson(
        { meetingWorkflowId: room.meetingWorkflowId, roomKey: room.roomKey, name: 'room.json' },
        { artifacts: [artifact] },
      );
      const where = { meetingWorkflowId: room.meetingWorkflowId, roomKey: 'room-1', kind: 'speaker_timeline' };
      const [link] = await artifactUrls(store, where, 300);
      assert.equal((await readUrl(link!.url)).toString('utf8'), '[1,2,3]');
      await assert.rejects(artifactUrls(store, { ...where, kind: 'video' }, 300), ArtifactNotFoundError);
      for (const uri of foreignUris) {
        await assert.rejects(store.presign(uri, { expiresInSeconds: 300 }), UnsafeKeyError, uri);
        await assert.rejects(store.read(uri), UnsafeKeyError, uri);
      }
    });

    void it('gives different keys different objects, and refuses keys with an empty segment', async () => {
      const { store } = setup();
      const ids = [
        'a:b',
        'a_b',
        'a/b',
        'a%2Fb',
        '..',
        '.',
        '../../etc',
        'Ünïcode',
        'x'.repeat(300),
        `${'x'.repeat(299)}y`,
      ];
      const uris = new Set<string>();
      for (const id of ids) {
        const key = { meetingWorkflowId: id, roomKey: '..', name: 'manifest.json' };
        const stored = await store.putJson(key, { id });
        uris.add(stored.uri);
        assert.deepEqual(await store.getJson(key), { id });
      }
      assert.equal(uris.size, ids.length);
      for (const uri of uris) assert.ok(!/\/\.\.?(\/|$)/.test(new URL(uri).pathname), `${uri} has a . or .. segment`);
      await assert.rejects(store.putJson({ meetingWorkflowId: 'm', roomKey: '', name: 'x.json' }, {}), UnsafeKeyError);
    });

    void it('deletes every object of one meeting and nothing of another', async () => {
      const { store } = setup();
      const a = keyOf('video.mp4');
      const b = keyOf('video.mp4');
      await store.put(a, Readable.from([Buffer.from('a')]));
      await store.putJson({ meetingWorkflowId: a.meetingWorkflowId, name: 'manifest.json' }, {});
      await store.put(b, Readable.from([Buffer.from('b')]));
      const removed = await store.deleteMeeting(a.meetingWorkflowId);
      assert.deepEqual(
        removed,
        [store.uriOf({ meetingWorkflowId: a.meetingWorkflowId, name: 'manifest.json' }), store.uriOf(a)].sort(),
      );
      assert.equal(await store.head(a), undefined);
      assert.deepEqual(await store.deleteMeeting(a.meetingWorkflowId), []);
      assert.equal(await store.sizeOf(b), 1);
    });
  });
}
