/** A response as the HTTP layer writes it, cacheable for Idempotency-Key replays. */
export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Entry = { state: 'in_flight' } | { state: 'done'; response: ApiResponse; at: number };

/** Recall keeps a key's response for an hour (reference §1). Real time, so a client's retry timing holds. */
const REPLAY_WINDOW_MS = 60 * 60 * 1000;

/** Idempotency-Key cache, scoped per path like Recall's (one workspace, so no user part). */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  /** The earlier outcome of this key on this path: in flight, a replayable response, or nothing. */
  lookup(path: string, key: string): 'in_flight' | ApiResponse | undefined {
    const entry = this.entries.get(scope(path, key));
    if (!entry) return undefined;
    if (entry.state === 'in_flight') return 'in_flight';
    if (Date.now() - entry.at > REPLAY_WINDOW_MS) {
      this.entries.delete(scope(path, key));
      return undefined;
    }
    return entry.response;
  }

  begin(path: string, key: string): void {
    this.entries.set(scope(path, key), { state: 'in_flight' });
  }

  complete(path: string, key: string, response: ApiResponse): void {
    this.entries.set(scope(path, key), { state: 'done', response, at: Date.now() });
  }

  /** Forgets every completed key at once, as an hour passing would: a later request with one creates anew. */
  expireAll(): void {
    for (const [key, entry] of this.entries) if (entry.state === 'done') this.entries.delete(key);
  }

  /** Forgets an in-flight key whose request produced nothing worth replaying (a gateway-style failure). */
  abandon(path: string, key: string): void {
    this.entries.delete(scope(path, key));
  }
}

function scope(path: string, key: string): string {
  // /api/v1/bot and /api/v1/bot/ are one endpoint.
  return `${path.replace(/\/+$/, '')}|${key}`;
}
