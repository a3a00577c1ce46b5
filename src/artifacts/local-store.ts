import { randomUUID } from 'node:crypto';
import { constants, createWriteStream, type Dirent } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, statfs } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bodyMeter } from './body-meter';
import { StoreFullError, UnsafeKeyError } from './errors';
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

/** Free space kept beyond an object's announced size, for manifests, logs and other writers. */
const DEFAULT_RESERVE_BYTES = 256 * 1024 ** 2;
/** A `.partial` file untouched this long belongs to no live download (downloads write every few seconds). */
const DEFAULT_PARTIAL_AGE_MS = 15 * 60 * 1000;
const PARTIAL = /^\..+\.partial$/;

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The embedded artifact store: a local directory. Each object is written to a hidden temporary
 * file, fsynced, renamed into place, and its directory fsynced, so after a crash an object is
 * either whole or absent. Nothing under the root is followed through a symlink.
 */
export class LocalArtifactStore implements ArtifactStore {
  readonly root: string;
  readonly #reserveBytes: number;

  constructor(root: string, options: { reserveBytes?: number } = {}) {
    this.root = resolve(root);
    this.#reserveBytes = options.reserveBytes ?? DEFAULT_RESERVE_BYTES;
  }

  pathOf(key: ArtifactKey): string {
    const segments = [key.meetingWorkflowId, key.roomKey, key.botId, key.name]
      .filter((s): s is string => s !== undefined)
      .map(encodeSegment);
    const path = resolve(this.root, ...segments);
    if (!path.startsWith(this.root + sep)) throw new UnsafeKeyError('artifact key escapes the store root');
    return path;
  }

  uriOf(key: ArtifactKey): string {
    return pathToFileURL(this.pathOf(key)).href;
  }

  async put(key: ArtifactKey, body: Readable, options: PutOptions = {}): Promise<StoredObject> {
    // Until the pipeline below listens, a body that fails (a reset while the directories are made)
    // would emit an error nobody handles, and Node would end the process; its error is kept instead.
    body.on('error', () => undefined);
    const path = this.pathOf(key);
    const dir = dirname(path);
    try {
      await this.#makeDirectories(dir);
      if (options.expectedBytes !== undefined) await this.#ensureSpace(dir, options.expectedBytes, key.name);
      if (body.errored) throw body.errored;
    } catch (err) {
      // An unread body would hold its connection open until the server gives up.
      body.destroy();
      throw err;
    }
    const temp = join(dir, `.${randomUUID()}.partial`);
    const { stream: meter, digest } = bodyMeter(key, options);
    try {
      // `wx`: a fresh file, never through something planted at the name; `flush`: fsync before close.
      await pipeline(body, meter, createWriteStream(temp, { flags: 'wx', flush: true }));
      const { bytes, sha256 } = digest();
      // lstat: a symlink planted at the name is never read, only replaced below.
      const current = await lstat(path).catch(() => undefined);
      const existing =
        current?.isFile() && current.size === bytes ? await hashStream(await this.#open(path)) : undefined;
      if (existing?.sha256 === sha256) {
        // The same bytes are there already: the object stays as it was.
        await rm(temp, { force: true });
        return { uri: pathToFileURL(path).href, bytes, sha256 };
      }
      // rename replaces a symlink planted at the name instead of following it.
      await rename(temp, path);
      await syncDirectory(dir);
      return { uri: pathToFileURL(path).href, bytes, sha256 };
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async putJson(key: ArtifactKey, value: unknown): Promise<StoredObject> {
    return this.put(key, Readable.from([Buffer.from(JSON.stringify(value, null, 2) + '\n')]));
  }

  async getJson(key: ArtifactKey): Promise<unknown> {
    const path = this.pathOf(key);
    await this.#refuseSymlinks(path);
    try {
      return JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async read(uri: string): Promise<Readable | undefined> {
    return this.#open(await this.#pathOfUri(uri));
  }

  async head(key: ArtifactKey): Promise<ObjectHead | undefined> {
    const path = this.pathOf(key);
    await this.#refuseSymlinks(path);
    return hashStream(await this.#open(path));
  }

  /** The file's own URI: a local store hands out no URL that works off its machine. */
  async presign(uri: string): Promise<PresignedUrl> {
    await this.#pathOfUri(uri);
    return { url: uri };
  }

  async #pathOfUri(uri: string): Promise<string> {
    let path: string;
    try {
      path = resolve(fileURLToPath(uri));
    } catch {
      throw new UnsafeKeyError('not a file URI of this artifact store');
    }
    if (!path.startsWith(this.root + sep)) throw new UnsafeKeyError('URI outside the artifact store root');
    await this.#refuseSymlinks(path);
    return path;
  }

  async #open(path: string): Promise<Readable | undefined> {
    try {
      // O_NOFOLLOW: a symlink planted at the name after the check above is refused, not followed.
      const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      return handle.createReadStream();
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async sizeOf(key: ArtifactKey): Promise<number | undefined> {
    const path = this.pathOf(key);
    await this.#refuseSymlinks(path);
    try {
      const stats = await lstat(path);
      return stats.isFile() ? stats.size : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async deleteMeeting(meetingWorkflowId: string): Promise<string[]> {
    if (meetingWorkflowId === RECEIPTS_NAMESPACE) throw new UnsafeKeyError('the receipts namespace is not a meeting');
    const dir = resolve(this.root, encodeSegment(meetingWorkflowId));
    await this.#refuseSymlinks(dir);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { recursive: true, withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    // Unfinished writes (`.partial`) go too, but are not listed: they never were objects.
    const removed = entries
      .filter((e) => !e.isDirectory() && !PARTIAL.test(e.name))
      .map((e) => pathToFileURL(join(e.parentPath, e.name)).href)
      .sort();
    // rm removes symlinks found inside as links, never following them out of the root.
    await rm(dir, { recursive: true, force: true });
    await syncDirectory(this.root);
    return removed;
  }

  /**
   * Removes the temporary files of writes that never finished (a killed worker leaves them
   * behind). Called once when a worker starts; files younger than `olderThanMs` may belong to a
   * download another worker on the same disk is writing, and stay. Returns how many it removed.
   */
  async sweepPartials(options: { olderThanMs?: number } = {}): Promise<number> {
    const cutoff = Date.now() - (options.olderThanMs ?? DEFAULT_PARTIAL_AGE_MS);
    let entries: Dirent[];
    try {
      entries = await readdir(this.root, { recursive: true, withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return 0;
      throw err;
    }
    let removed = 0;
    for (const entry of entries) {
      if (!entry.isFile() || !PARTIAL.test(entry.name)) continue;
      const path = join(entry.parentPath, entry.name);
      try {
        if ((await lstat(path)).mtimeMs > cutoff) continue;
        await rm(path, { force: true });
        removed += 1;
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }
    return removed;
  }

  /** Creates each directory below the root one at a time, refusing any symlink on the way. */
  async #makeDirectories(dir: string): Promise<void> {
    await mkdir(this.root, { recursive: true });
    let current = this.root;
    for (const segment of dir.slice(this.root.length + 1).split(sep)) {
      const parent = current;
      current = join(current, segment);
      try {
        await mkdir(current);
        // The new directory's entry is durable only once its parent is synced.
        await syncDirectory(parent);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const stats = await lstat(current);
        if (stats.isSymbolicLink() || !stats.isDirectory()) {
          throw new UnsafeKeyError(`${segment} under the artifact store root is not a plain directory`);
        }
      }
    }
  }

  /** Refuses a path when any component below the root is a symlink. */
  async #refuseSymlinks(path: string): Promise<void> {
    let current = this.root;
    for (const segment of path.slice(this.root.length + 1).split(sep)) {
      current = join(current, segment);
      try {
        if ((await lstat(current)).isSymbolicLink()) {
          throw new UnsafeKeyError(`${segment} under the artifact store root is a symlink`);
        }
      } catch (err) {
        if (isMissing(err)) return;
        throw err;
      }
    }
  }

  async #ensureSpace(dir: string, bytes: number, name: string): Promise<void> {
    const { bavail, bsize } = await statfs(dir);
    const free = bavail * bsize;
    if (free < bytes + this.#reserveBytes) {
      throw new StoreFullError(
        `${name} needs ${bytes} bytes plus a reserve of ${this.#reserveBytes}; the artifact store has ${free} free`,
      );
    }
  }
}
