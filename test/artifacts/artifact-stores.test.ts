/**
 * The artifact store contract on both stores: a local directory, and S3 on a MinIO server this
 * test builds (once per user, into ~/.cache/breakout-recorder/minio) and starts itself.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HeadObjectCommand, ListMultipartUploadsCommand, ListPartsCommand, type S3Client } from '@aws-sdk/client-s3';
import { LocalArtifactStore } from '../../src/artifacts/local-store';
import { openArtifactStore } from '../../src/artifacts/open-store';
import { S3ArtifactStore } from '../../src/artifacts/s3-store';
import pino from 'pino';
import type { ArtifactKey } from '../../src/artifacts/store';
import { loadArtifactsConfig } from '../../src/config';
import { buildWebhookServer } from '../../src/webhooks/server';
import { lazyTemporalClient } from '../../src/webhooks/temporal-client';
import { startMinio, type RunningMinio } from '../../src/devstack/minio';
import { artifactStoreContract, type StoreUnderTest } from './contract';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

void describe('local directory', () => {
  let dir: string;
  let subject: StoreUnderTest;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artifact-contract-'));
    const store = new LocalArtifactStore(join(dir, 'root'), { reserveBytes: 0 });
    const path = (key: ArtifactKey) => store.pathOf(key);
    subject = {
      store,
      scheme: 'file:',
      version: async (key) => {
        const stats = await lstat(path(key));
        return `${stats.ino}:${stats.mtimeMs}`;
      },
      modifiedAt: async (key) => (await lstat(path(key))).mtimeMs,
      bytesInFlight: async (key) => {
        const folder = dirname(path(key));
        const names = await readdir(folder).catch(() => []);
        let bytes = 0;
        for (const name of names.filter((n) => n.endsWith('.partial'))) bytes += (await lstat(join(folder, name))).size;
        return bytes;
      },
      recordedSha256: async (key) => sha256(await readFile(path(key))),
      foreignUris: [
        pathToFileURL(join(dir, 'outside.json')).href,
        `${pathToFileURL(join(dir, 'root')).href}/../outside.json`,
        's3://bucket/meeting/x/manifest.json',
      ],
      readUrl: (url) => readFile(fileURLToPath(url)),
    };
  });
  after(() => rm(dir, { recursive: true, force: true }));
  artifactStoreContract('local directory', () => subject);
});

void describe('S3 (MinIO)', () => {
  const bucket = 'contract';
  const prefix = 'recordings/test';
  let minio: RunningMinio;
  let client: S3Client;
  let subject: StoreUnderTest;
  /** Requests that write an object, per object key: what "written again" means on S3. */
  const writes = new Map<string, number>();
  const WRITES = new Set(['PutObjectCommand', 'CreateMultipartUploadCommand', 'CopyObjectCommand']);

  before(async () => {
    minio = await startMinio({ log: (line) => console.log(line) });
    await minio.createBucket(bucket);
    client = minio.client();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key?: string }).Key;
        if (key && WRITES.has(context.commandName ?? '')) writes.set(key, (writes.get(key) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countWrites' },
    );
    const store = new S3ArtifactStore(client, { bucket, prefix });
    const head = (key: ArtifactKey) =>
      client.send(new HeadObjectCommand({ Bucket: bucket, Key: store.objectKeyOf(key) }));
    subject = {
      store,
      scheme: 's3:',
      version: (key) => Promise.resolve(String(writes.get(store.objectKeyOf(key)) ?? 0)),
      modifiedAt: async (key) => (await head(key)).LastModified?.getTime() ?? NaN,
      bytesInFlight: async (key) => {
        const objectKey = store.objectKeyOf(key);
        const { Uploads } = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: objectKey }));
        let bytes = 0;
        for (const upload of Uploads ?? []) {
          if (upload.Key !== objectKey) continue;
          const { Parts } = await client.send(
            new ListPartsCommand({ Bucket: bucket, Key: objectKey, UploadId: upload.UploadId }),
          );
          for (const part of Parts ?? []) bytes += part.Size ?? 0;
        }
        return bytes;
      },
      recordedSha256: async (key) => (await head(key)).Metadata?.sha256,
      foreignUris: [
        `s3://other-bucket/${prefix}/meeting%2Fx/manifest.json`,
        `s3://${bucket}/recordings/other/meeting%2Fx/manifest.json`,
        `s3://${bucket}/${prefix}/../other/manifest.json`,
        `s3://${bucket}/${prefix}//manifest.json`,
        'file:///etc/passwd',
      ],
      readUrl: async (url) => {
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/contract\/recordings\/test\/.+X-Amz-Signature=/);
        const response = await fetch(url);
        assert.equal(response.status, 200);
        return Buffer.from(await response.arrayBuffer());
      },
    };
  });
  after(async () => {
    client?.destroy();
    await minio?.stop();
  });
  artifactStoreContract('S3 (MinIO)', () => subject);

  void it('GET /meetings/:key/artifacts/:room/:kind redirects to a presigned URL, or answers JSON or 404', async () => {
    const store = new S3ArtifactStore(client, { bucket, prefix });
    const key = { meetingWorkflowId: 'meeting/api', roomKey: 'room-1', botId: 'bot-1', name: 'video.mp4' };
    const stored = await store.put(key, Readable.from([Buffer.from('video bytes')]));
    const artifact = { kind: 'video', ...stored, botId: 'bot-1', recordingId: 'rec-1' };
    await store.putJson(
      { meetingWorkflowId: 'meeting/api', roomKey: 'room-1', name: 'room.json' },
      { artifacts: [artifact] },
    );
    const apiToken = randomBytes(32).toString('hex');
    const temporal = lazyTemporalClient({ address: '127.0.0.1:1', namespace: 'default' });
    const server = buildWebhookServer({
      webhookSecret: 'whsec_dGVzdA==',
      client: temporal,
      logger: pino({ level: 'silent' }),
      api: { apiToken, taskQueue: 'q', artifacts: store },
    });
    try {
      const get = (url: string, accept?: string) =>
        server.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${apiToken}`, ...(accept ? { accept } : {}) },
        });
      const redirect = await get('/meetings/api/artifacts/room-1/video?expiresIn=60');
      assert.equal(redirect.statusCode, 302);
      const location = String(redirect.headers.location);
      assert.match(location, /X-Amz-Expires=60/);
      assert.equal(Buffer.from(await (await fetch(location)).arrayBuffer()).toString('utf8'), 'video bytes');
      const json = await get('/meetings/api/artifacts/room-1/video', 'application/json');
      assert.equal(json.statusCode, 200);
      assert.equal(json.json<{ urls: { uri: string }[] }>().urls[0]?.uri, stored.uri);
      assert.equal((await get('/meetings/api/artifacts/room-1/transcript')).statusCode, 404);
      assert.equal((await get('/meetings/api/artifacts/room-9/video')).statusCode, 404);
      assert.equal((await get('/meetings/api/artifacts/room-1/video?expiresIn=0')).statusCode, 400);
      const anonymous = await server.inject({ method: 'GET', url: '/meetings/api/artifacts/room-1/video' });
      assert.equal(anonymous.statusCode, 401);
    } finally {
      await server.close();
      await temporal.connection.close();
    }
  });

  void it('is chosen by ARTIFACTS_URL, with endpoint, region and credentials from the AWS environment', async () => {
    const env = minio.env(bucket, 'configured');
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    try {
      const store = openArtifactStore(loadArtifactsConfig(process.env));
      assert.ok(store instanceof S3ArtifactStore);
      const key = { meetingWorkflowId: 'meeting/configured', name: 'manifest.json' };
      const stored = await store.put(key, Readable.from([Buffer.from('{}')]));
      assert.equal(stored.uri, `s3://${bucket}/configured/meeting%2Fconfigured/manifest.json`);
      assert.deepEqual(await store.head(key), { bytes: 2, sha256: sha256(Buffer.from('{}')) });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const local = openArtifactStore(loadArtifactsConfig({ ARTIFACTS_URL: pathToFileURL(tmpdir()).href }));
    assert.ok(local instanceof LocalArtifactStore);
    assert.ok(openArtifactStore(loadArtifactsConfig({})) instanceof LocalArtifactStore);
  });
});
