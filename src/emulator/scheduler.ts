/** A cancellable entry of the {@link Scheduler}. */
export interface Scheduled {
  cancel(): void;
}

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * One timer for the whole emulator: thousands of bots each with several pending steps would
 * otherwise mean thousands of live `setTimeout`s. Entries sit in a binary min-heap keyed by real
 * due time (ties in insertion order, so steps scheduled for the same instant keep their order);
 * a single Node timer is armed for the earliest one.
 */
export class Scheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Infinity;
  private stopped = false;

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Runs `fn` after `delayMs` real milliseconds. */
  after(delayMs: number, fn: () => void): Scheduled {
    const entry: Entry = { at: Date.now() + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    if (!this.stopped) {
      this.push(entry);
      this.arm();
    }
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.length = 0;
  }

  private arm(): void {
    const head = this.heap[0];
    if (!head || this.stopped) return;
    if (this.timer && head.at >= this.armedAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = head.at;
    this.timer = setTimeout(() => this.run(), Math.max(0, head.at - Date.now()));
  }

  private run(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = Date.now();
    for (let head = this.heap[0]; head && head.at <= now && !this.stopped; head = this.heap[0]) {
      this.pop();
      if (head.cancelled) continue;
      try {
        head.fn();
      } catch (err) {
        this.onError(err);
      }
    }
    this.arm();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!this.less(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = last;
      let at = -1;
      if (l < heap.length && this.less(heap[l]!, smallest)) {
        smallest = heap[l]!;
        at = l;
      }
      if (r < heap.length && this.less(heap[r]!, smallest)) {
        smallest = heap[r]!;
        at = r;
      }
      if (at < 0) break;
      heap[i] = smallest;
      i = at;
    }
    heap[i] = last;
  }
}
