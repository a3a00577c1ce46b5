import type { Readable } from 'node:stream';

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

export interface ArtifactStore {
  /** Streams `body` into the store; the object appears whole or not at all. */
  put(
    key: ArtifactKey,
    body: Readable,
    options?: { maxBytes?: number; onProgress?: (bytes: number) => void },
  ): Promise<StoredObject>;
  putJson(key: ArtifactKey, value: unknown): Promise<StoredObject>;
  /** The store's location of a key, for manifests and logs. */
  uriOf(key: ArtifactKey): string;
}
