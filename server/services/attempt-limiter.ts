// Counts attempts per key in a fixed window (e.g. failed logins per
// username), so guessing one account's password from many IPs is slowed too.
// In memory: a restart forgets, which only ever helps a legitimate user.
export interface LimitState {
  allowed: boolean;
  /** Seconds until the key may try again (0 when allowed). */
  retryAfter: number;
}

export class AttemptLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly max: number, private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  check(key: string): LimitState {
    const e = this.hits.get(key);
    const t = this.now();
    if (!e || e.resetAt <= t) return { allowed: true, retryAfter: 0 };
    return e.count >= this.max ? { allowed: false, retryAfter: Math.ceil((e.resetAt - t) / 1000) } : { allowed: true, retryAfter: 0 };
  }

  record(key: string): void {
    const t = this.now();
    const e = this.hits.get(key);
    if (!e || e.resetAt <= t) this.hits.set(key, { count: 1, resetAt: t + this.windowMs });
    else e.count++;
    if (this.hits.size > 10_000) this.sweep(t);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private sweep(t: number): void {
    for (const [k, e] of this.hits) if (e.resetAt <= t) this.hits.delete(k);
  }
}
