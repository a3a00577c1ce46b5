export type RateCategory = 'create' | 'list' | 'default';

/**
 * Recall's base limits per workspace and minute (reference §0 and §6): Create Bot 120 (the current
 * API reference; pages from mid-2025 said 60), List Bots 60, every other bot endpoint 300.
 */
export const DEFAULT_RATE_LIMITS: Record<RateCategory, number> = { create: 120, list: 60, default: 300 };

/**
 * Token buckets per endpoint category, refilled continuously over a real minute. Real time, not
 * emulated: a client paces its calls by its own clock.
 */
export class RateLimiter {
  private readonly buckets = new Map<RateCategory, { tokens: number; at: number }>();

  constructor(private readonly limits: Record<RateCategory, number>) {}

  /** 0 when the request may go ahead, else the seconds to wait (for `Retry-After`). */
  take(category: RateCategory): number {
    const limit = this.limits[category];
    if (!limit) return 0;
    const now = Date.now();
    const perMs = limit / 60_000;
    const bucket = this.buckets.get(category) ?? { tokens: limit, at: now };
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(category, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }
}
