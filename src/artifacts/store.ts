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
