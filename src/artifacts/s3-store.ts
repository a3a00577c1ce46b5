import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bodyMeter } from './body-meter';
import { UnsafeKeyError } from './errors';
import { hashStream } from './hash-stream';
import { encodeSegment } from './key-encoding';
import {
  RECEIPTS_NAMESPACE,
  type ArtifactKey,
  type ArtifactStore,
  type ObjectHead,
  type PresignedUrl,
  type PutOptions,
  type StoredObject,
} from './store';

/** Bodies up to one part are hashed before they are sent, so an identical object is not sent again. */
const PART_BYTES = 8 * 1024 ** 2;
/** Parts in flight per upload: at most this many parts of one video sit in memory. */
const QUEUE_SIZE = 4;
/** S3's limit for a single CopyObject, which records the sha256 of a multipart object afterwards. */
const MAX_COPY_BYTES = 5 * 1024 ** 3;
/** The user metadata key (`x-amz-meta-sha256`) holding the object's hex sha256. */
const SHA256_META = 'sha256';

const CONTENT_TYPES: Record<string, string> = { mp4: 'video/mp4', json: 'application/json' };

function contentType(name: string): string {
  return CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

function isNotFound(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.$metadata.httpStatusCode === 404 || err.name === 'NotFound' || err.name === 'NoSuchKey')
  );
}

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing `/`; empty for the bucket's root. */
  prefix: string;
}

/** Reads `s3://bucket/prefix`; the prefix may be empty. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match?.[1]) throw new Error('ARTIFACTS_URL must look like s3://bucket or s3://bucket/prefix');
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new Error('the prefix of ARTIFACTS_URL holds a . or .. segment');
  }
  return { bucket: match[1], prefix };
}

/**
 * An artifact store in an S3 bucket (AWS S3 or an S3-compatible store: MinIO, Ceph, R2, GCS's S3
 * API). Objects are `s3://bucket/<prefix>/<meeting>/<room>/<bot>/<name>`, every segment encoded as
 * in the local store. Bodies stream through to a multipart upload, never whole in memory; each
 * part carries its SHA-256 checksum, which the server verifies, and the whole object's sha256
 * is recorded as `x-amz-meta-sha256`. An object appears only when its upload completes, so it is
 * whole or absent, like a renamed file.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;

  constructor(client: S3Client, location: S3Location) {
    this.client = client;
    this.bucket = location.bucket;
    this.prefix = location.prefix;
  }

  objectKeyOf(key: ArtifactKey): string {
    const segments = [key.meetingWorkflowId, key.roomKey, key.botId, key.name]
      .filter((s): s is string => s !== undefined)
      .map(encodeSegment);
    return [...(this.prefix ? [this.prefix] : []), ...segments].join('/');
  }

  uriOf(key: ArtifactKey): string {
    return `s3://${this.bucket}/${this.objectKeyOf(key)}`;
  }

  async put(key: ArtifactKey, body: Readable, options: PutOptions = {}): Promise<StoredObject> {
    const objectKey = this.objectKeyOf(key);
    const { stream: meter, digest } = bodyMeter(key, options);
    body.on('error', (err) => meter.destroy(err));
    const chunks = body.pipe(meter)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;

    const first: Buffer[] = [];
    let firstBytes = 0;
    let ended = false;
    try {
      while (firstBytes <= PART_BYTES) {
        const next = await chunks.next();
        if (next.done) {
          ended = true;
          break;
        }
        first.push(next.value);
        firstBytes += next.value.length;
      }
    } catch (err) {
      body.destroy();
      throw err;
    }
    if (ended) return this.#putSmall(key, objectKey, Buffer.concat(first), digest().sha256);

    async function* rest(): AsyncGenerator<Buffer> {
      yield* first;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    }
    const upload = new Upload({
      client: this.client,
      partSize: PART_BYTES,
      queueSize: QUEUE_SIZE,
      params: {
        Bucket: this.bucket,
        Key: objectKey,
        Body: Readable.from(rest()),
        ContentType: contentType(key.name),
        ChecksumAlgorithm: 'SHA256',
      },
    });
    let etag: string | undefined;
    try {
      ({ ETag: etag } = await upload.done());
    } catch (err) {
      body.destroy();
      // The upload reports the body's own error wrapped or as-is; the store's classes stay intact.
      const cause: unknown = meter.errored ?? err;
      throw cause instanceof Error ? cause : new Error(String(cause));
    }
    const { bytes, sha256 } = digest();
    if (bytes <= MAX_COPY_BYTES) await this.#recordSha256(key, objectKey, sha256, etag);
    return { uri: `s3://${this.bucket}/${objectKey}`, bytes, sha256 };
  }

  async putJson(key: ArtifactKey, value: unknown): Promise<StoredObject> {
    return this.put(key, Readable.from([Buffer.from(JSON.stringify(value, null, 2) + '\n')]));
  }

  async getJson(key: ArtifactKey): Promise<unknown> {
    const body = await this.#get(this.objectKeyOf(key));
    if (!body) return undefined;
    return JSON.parse(Buffer.concat(await body.toArray()).toString('utf8'));
  }

  async read(uri: string): Promise<Readable | undefined> {
    return this.#get(this.#objectKeyOfUri(uri));
  }

  async sizeOf(key: ArtifactKey): Promise<number | undefined> {
    return (await this.#headObject(this.objectKeyOf(key)))?.ContentLength;
  }

  async head(key: ArtifactKey): Promise<ObjectHead | undefined> {
    const objectKey = this.objectKeyOf(key);
    const head = await this.#headObject(objectKey);
    if (head?.ContentLength === undefined) return undefined;
    const recorded = head.Metadata?.[SHA256_META];
    if (recorded) return { bytes: head.ContentLength, sha256: recorded };
    // Over 5 GiB, or an upload whose sha256 was never recorded: the object's bytes answer.
    return hashStream(await this.#get(objectKey));
  }

  async presign(uri: string, options: { expiresInSeconds: number }): Promise<PresignedUrl> {
    const objectKey = this.#objectKeyOfUri(uri);
    const url = await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }), {
      expiresIn: options.expiresInSeconds,
    });
    return { url, expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000).toISOString() };
  }

  async deleteMeeting(meetingWorkflowId: string): Promise<string[]> {
    if (meetingWorkflowId === RECEIPTS_NAMESPACE) throw new UnsafeKeyError('the receipts namespace is not a meeting');
    const folder = `${this.objectKeyOf({ meetingWorkflowId, name: 'x' }).slice(0, -2)}/`;
    const removed: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: folder, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
      if (keys.length > 0) {
        const { Errors } = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        if (Errors?.length) throw new Error(`could not delete ${Errors.length} objects: ${Errors[0]?.Code ?? 'error'}`);
        removed.push(...keys.map((k) => `s3://${this.bucket}/${k}`));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return removed.sort();
  }

  /**
   * A body that fits one part: its sha256 is known before sending, so an object already holding
   * the same bytes is left as it is, and S3 verifies the whole object against `ChecksumSHA256`.
   */
  async #putSmall(key: ArtifactKey, objectKey: string, data: Buffer, sha256: string): Promise<StoredObject> {
    const uri = `s3://${this.bucket}/${objectKey}`;
    const existing = await this.#headObject(objectKey);
    if (existing?.ContentLength === data.length && existing.Metadata?.[SHA256_META] === sha256) {
      return { uri, bytes: data.length, sha256 };
    }
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: objectKey,
        Body: data,
        ContentLength: data.length,
        ContentType: contentType(key.name),
        ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        Metadata: { [SHA256_META]: sha256 },
      }),
    );
    return { uri, bytes: data.length, sha256 };
  }

  /**
   * S3 takes user metadata when an upload starts, before a streamed body's sha256 is known, so it
   * is recorded by copying the object onto itself with new metadata (server-side; `CopySourceIfMatch`
   * makes sure it is the object just uploaded). Should this step fail, `head` hashes the bytes.
   */
  async #recordSha256(key: ArtifactKey, objectKey: string, sha256: string, etag: string | undefined): Promise<void> {
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: objectKey,
        CopySource: `${this.bucket}/${objectKey.split('/').map(encodeURIComponent).join('/')}`,
        ...(etag ? { CopySourceIfMatch: etag } : {}),
        MetadataDirective: 'REPLACE',
        ContentType: contentType(key.name),
        Metadata: { [SHA256_META]: sha256 },
      }),
    );
  }

  async #headObject(objectKey: string) {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async #get(objectKey: string): Promise<Readable | undefined> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return Body instanceof Readable ? Body : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** The object key of an `s3://` URI of this bucket and prefix; anything else is refused. */
  #objectKeyOfUri(uri: string): string {
    const root = `s3://${this.bucket}/${this.prefix ? `${this.prefix}/` : ''}`;
    if (!uri.startsWith(root)) throw new UnsafeKeyError('not an s3:// URI of this artifact store');
    const objectKey = uri.slice(`s3://${this.bucket}/`.length);
    const below = objectKey.slice(this.prefix ? this.prefix.length + 1 : 0).split('/');
    // Every segment the store writes is encoded, so none is empty, `.`, `..` or hidden.
    if (below.some((segment) => segment === '' || segment.startsWith('.'))) {
      throw new UnsafeKeyError('URI outside the artifact store');
    }
    return objectKey;
  }
}
