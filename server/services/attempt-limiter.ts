// Counts attempts per key in a fixed window (e.g. logins per user and
// address). In memory: a restart forgets, which only ever helps a legitimate
// user.
export interface LimitState {
  allowed: boolean;
  /** Seconds until the key may try again (0 when allowed). */
  retryAfter: number;
}

interface Window {
  count: number;
  resetAt: number;
}

export class AttemptLimiter {
  // Every window is equally long and a key whose window restarts is moved to
  // the end, so the map's insertion order is expiry order: expired entries
  // are always at the front, and each is removed once (O(1) amortised).
  private readonly hits = new Map<string, Window>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes one attempt for `key` if it has any left. Callers reserve before
   * the slow part (a password hash), so concurrent attempts cannot all pass
   * a check that none of them has been counted against yet.
   */
  acquire(key: string): LimitState {
    const t = this.now();
    this.expire(t);
    const e = this.hits.get(key);
    if (!e) {
      this.hits.set(key, { count: 1, resetAt: t + this.windowMs });
      return { allowed: true, retryAfter: 0 };
    }
    if (e.count >= this.max) return { allowed: false, retryAfter: Math.ceil((e.resetAt - t) / 1000) };
    e.count++;
    return { allowed: true, retryAfter: 0 };
  }

  /** Attempts counted for `key` in its current window. */
  count(key: string): number {
    this.expire(this.now());
    return this.hits.get(key)?.count ?? 0;
  }

  /** Gives one reserved attempt back (it turned out not to count). */
  release(key: string): void {
    const e = this.hits.get(key);
    if (e && e.count > 0) e.count--;
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  /** Keys held, expired or not (for tests of the expiry). */
  get size(): number {
    return this.hits.size;
  }

  private expire(t: number): void {
    for (const [k, e] of this.hits) {
      if (e.resetAt > t) return;
      this.hits.delete(k);
    }
  }
}
