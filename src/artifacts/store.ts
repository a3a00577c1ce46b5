import type { Readable } from 'node:stream';

/**
 * The top-level key (in the meeting's place) under which deletion receipts are kept, apart from the
 * data they describe. `deleteMeeting` refuses it; no meeting may take it as its workflow ID.
 */
export const RECEIPTS_NAMESPACE = '_receipts';

/** Where a room's artifacts go: `<meeting>/<roomKey>/<botId>/<name>`. */
export interface ArtifactKey {
  meetingWorkflowId: string;
  roomKey?: string;
  botId?: string;
  name: string;
}

export interface StoredObject {
  uri: string;
  bytes: number;
  sha256: string;
}

/** What the store holds under a key: its size and the sha256 of its bytes. */
export interface ObjectHead {
  bytes: number;
  sha256: string;
}

/** A URL that lets its holder read one object until `expiresAt` (none: the URL does not expire). */
export interface PresignedUrl {
  url: string;
  expiresAt?: string;
}

export interface PutOptions {
  maxBytes?: number;
  /**
   * The size the source announced (Content-Length). The store refuses up front when it cannot
   * hold it, and refuses to publish an object that ended up shorter or longer.
   */
  expectedBytes?: number;
  onProgress?: (bytes: number) => void;
}

/**
 * Errors are the classes of `./errors`, or the file system's own (`ENOSPC`, `EIO`…): every one is
 * a condition to retry later, never a reason to end the process.
 */
export interface ArtifactStore {
  /** Streams `body` into the store; the object appears whole, durably, or not at all. */
  put(key: ArtifactKey, body: Readable, options?: PutOptions): Promise<StoredObject>;
  putJson(key: ArtifactKey, value: unknown): Promise<StoredObject>;
  /** A JSON object written by putJson, or undefined when the key holds nothing. */
  getJson(key: ArtifactKey): Promise<unknown>;
  /**
   * Streams back an object this store wrote, by the URI `put`/`putJson`/`uriOf` gave for it (the
   * form manifests list); undefined when nothing is stored there. A URI outside this store is
   * refused with an `UnsafeKeyError`.
   */
  read(uri: string): Promise<Readable | undefined>;
  /** The size of the object under a key, or undefined when there is none. */
  sizeOf(key: ArtifactKey): Promise<number | undefined>;
  /**
   * Size and sha256 of the object under a key, or undefined when there is none: what a retry
   * compares with the progress it recorded before it skips a download. The S3 store reads the
   * sha256 it recorded with the object; the local store hashes the file.
   */
  head(key: ArtifactKey): Promise<ObjectHead | undefined>;
  /**
   * A URL for reading one object by its URI: an S3 presigned GET valid for `expiresInSeconds`, or
   * the local store's `file:` URI (readable only on its machine). A URI outside this store is
   * refused with an `UnsafeKeyError`.
   */
  presign(uri: string, options: { expiresInSeconds: number }): Promise<PresignedUrl>;
  /** The store's location of a key, for manifests and logs. */
  uriOf(key: ArtifactKey): string;
  /**
   * Deletes every object stored under the meeting: its artifacts, room and meeting manifests, and
   * anything derived from them. Returns the URIs it removed (none when nothing was there, so a
   * second call verifies the first). The receipts namespace (`RECEIPTS_NAMESPACE`) is refused with
   * an `UnsafeKeyError`: deletion receipts outlive the data they describe.
   */
  deleteMeeting(meetingWorkflowId: string): Promise<string[]>;
}
