import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { ArtifactKey, ArtifactStore, StoredObject } from './store';

export class ArtifactTooLargeError extends Error {
  override name = 'ArtifactTooLargeError';
}

/**
 * Turns one key segment (a workflow ID such as `meeting/abc`, a room key, a bot id) into a single
 * path-safe directory name. Reversible enough to read, and never `.`, `..` or empty.
 */
export function safeSegment(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, (c) => (c === '/' ? '__' : '_'));
  return /^\.*$/.test(cleaned) ? `_${cleaned}_` : cleaned;
}

/** The embedded artifact store: a local directory, written through a temporary file and a rename. */
export class LocalArtifactStore implements ArtifactStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  pathOf(key: ArtifactKey): string {
    const segments = [key.meetingWorkflowId, key.roomKey, key.botId, key.name]
      .filter((s): s is string => s !== undefined)
      .map(safeSegment);
    const path = resolve(this.root, ...segments);
    if (!path.startsWith(this.root + sep)) throw new Error('artifact key escapes the store root');
    return path;
  }

  uriOf(key: ArtifactKey): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  async put(
    key: ArtifactKey,
    body: Readable,
    options: { maxBytes?: number; onProgress?: (bytes: number) => void } = {},
  ): Promise<StoredObject> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = join(dirname(path), `.${randomUUID()}.partial`);
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (options.maxBytes !== undefined && bytes > options.maxBytes) {
          callback(new ArtifactTooLargeError(`${key.name} is larger than ${options.maxBytes} bytes`));
          return;
        }
        hash.update(chunk);
        options.onProgress?.(bytes);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(temp));
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return { uri: pathToFileURL(path).href, bytes, sha256: hash.digest('hex') };
  }

  async putJson(key: ArtifactKey, value: unknown): Promise<StoredObject> {
    return this.put(key, Readable.from([Buffer.from(JSON.stringify(value, null, 2) + '\n')]));
  }
}
