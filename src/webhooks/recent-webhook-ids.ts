/**
 * The `webhook-id`s this receiver already signalled, so that Svix retries and replays do not add
 * history events to a room (each signal is one, duplicates included: the room dedupes only after
 * recording it). Per process and bounded; a restart or another replica may signal an id once
 * more, which the room's own dedupe by event id still absorbs.
 */

/** Recall's signature tolerance is 5 minutes: a replay older than that fails verification anyway. */
export const DEFAULT_WEBHOOK_ID_TTL_MS = 10 * 60_000;
export const DEFAULT_WEBHOOK_ID_CAPACITY = 100_000;

export class RecentWebhookIds {
  readonly #ttlMs: number;
  readonly #capacity: number;
  readonly #now: () => number;
  /** Insertion order is expiry order: every entry lives exactly ttlMs. */
  readonly #signalled = new Map<string, number>();
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(options: { ttlMs?: number; capacity?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_WEBHOOK_ID_TTL_MS;
    this.#capacity = options.capacity ?? DEFAULT_WEBHOOK_ID_CAPACITY;
    this.#now = options.now ?? Date.now;
  }

  has(id: string): boolean {
    this.#expire();
    return this.#signalled.has(id);
  }

  remember(id: string): void {
    this.#signalled.delete(id);
    this.#signalled.set(id, this.#now() + this.#ttlMs);
    // Under a flood the oldest ids go first; they are the least likely to be redelivered.
    while (this.#signalled.size > this.#capacity) this.#signalled.delete(this.#signalled.keys().next().value!);
  }

  /**
   * Runs `signal` for `id` unless a delivery of the same id is already signalling: concurrent
   * redeliveries wait for the first and then see it remembered, instead of signalling twice.
   */
  async once<T>(id: string, signal: () => Promise<T>): Promise<T | 'duplicate'> {
    for (let pending = this.#inFlight.get(id); pending; pending = this.#inFlight.get(id)) {
      await pending.catch(() => undefined);
    }
    if (this.has(id)) return 'duplicate';
    const running = signal();
    this.#inFlight.set(id, running);
    try {
      return await running;
    } finally {
      this.#inFlight.delete(id);
    }
  }

  get size(): number {
    return this.#signalled.size;
  }

  #expire(): void {
    const now = this.#now();
    for (const [id, expiresAt] of this.#signalled) {
      if (expiresAt > now) break;
      this.#signalled.delete(id);
    }
  }
}
