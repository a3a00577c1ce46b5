/**
 * The one emulated clock: it starts at the real time the emulator starts and runs `timeScale` times
 * faster. Meeting and bot times are emulated; HTTP-facing limits (rate limits, idempotency window,
 * download URL lifetime, webhook timestamps) stay on real time because clients measure them that way.
 */
export class EmulatedClock {
  private readonly realStart = Date.now();

  constructor(readonly timeScale: number) {
    if (!(timeScale > 0)) throw new Error('timeScale must be > 0');
  }

  /** Emulated epoch ms. */
  now(): number {
    return this.realStart + (Date.now() - this.realStart) * this.timeScale;
  }

  /** Real ms that `emulatedSeconds` take. */
  realMs(emulatedSeconds: number): number {
    return (emulatedSeconds * 1000) / this.timeScale;
  }
}

/** ISO 8601 UTC with microseconds, as Recall writes timestamps (`2023-04-28T08:51:37.741790Z`). */
export function isoMicro(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.floor((epochMs - whole) * 1000);
  const base = new Date(whole).toISOString(); // ...sss Z
  return `${base.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}
