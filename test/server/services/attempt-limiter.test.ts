// The attempt limiter on a fake clock: reservations, windows, and expiry
// that visits only expired entries (the map is never swept whole).
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AttemptLimiter } from '../../../server/services/attempt-limiter.js';
import { LoginThrottle } from '../../../server/services/login-throttle.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Counts the Map entries visited by for-of loops while `fn` runs. */
function entriesVisited(fn: () => void): number {
  let visited = 0;
  const original = Map.prototype[Symbol.iterator];
  const spy = vi.spyOn(Map.prototype, Symbol.iterator).mockImplementation(function (this: Map<unknown, unknown>) {
    const it = original.call(this);
    return {
      next: () => {
        const r = it.next();
        if (!r.done) visited++;
        return r;
      },
      [Symbol.iterator]() {
        return this;
      },
    } as MapIterator<[unknown, unknown]>;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return visited;
}

describe('AttemptLimiter', () => {
  test('reserves up to max per window, then refuses with the seconds left; the window restarts after it ends', () => {
    let t = 0;
    const l = new AttemptLimiter(3, 60_000, () => t);
    expect([1, 2, 3, 4].map(() => l.acquire('k').allowed)).toEqual([true, true, true, false]);
    t = 15_000;
    expect(l.acquire('k')).toEqual({ allowed: false, retryAfter: 45 });
    expect(l.acquire('other').allowed).toBe(true);
    l.release('k');
    expect(l.acquire('k').allowed).toBe(true);
    t = 60_000;
    expect(l.count('k')).toBe(0);
    expect(l.acquire('k').allowed).toBe(true);
  });

  test('with 20,000 live keys a failure visits at most the one entry at the front, and expiry visits only what expired', () => {
    let t = 0;
    const l = new AttemptLimiter(5, 60_000, () => t);
    for (let i = 0; i < 20_000; i++) {
      t = i;
      l.acquire(`old-${i}`);
    }
    t = 30_000;
    for (let i = 0; i < 100; i++) expect(entriesVisited(() => l.acquire(`new-${i}`))).toBeLessThanOrEqual(1);
    expect(l.size).toBe(20_100);
    // Keys 0..10,000 (windows ending at 60,000..70,000) have expired: one call removes those 10,001 and looks at one live entry.
    t = 70_000;
    expect(entriesVisited(() => l.acquire('late'))).toBe(10_002);
    expect(l.size).toBe(20_100 - 10_001 + 1);
    expect(entriesVisited(() => l.acquire('later'))).toBe(1);
  });

  test("a key whose window restarts moves behind the others, so expiry order stays the map's order", () => {
    let t = 0;
    const l = new AttemptLimiter(5, 100, () => t);
    l.acquire('a');
    t = 50;
    l.acquire('b');
    t = 120; // a ended at 100
    l.acquire('a'); // a new window for a, ending at 220
    t = 160; // b ended at 150; a is live
    expect(l.count('b')).toBe(0);
    expect(l.count('a')).toBe(1);
    expect(l.size).toBe(1);
  });
});

describe('LoginThrottle', () => {
  const opts = { perUserFailures: 2, windowMs: 60_000, delayMs: 100, maxDelayMs: 350 };

  test("a user's failures from all addresses delay further attempts, doubling up to the cap; the address that failed is refused", () => {
    const th = new LoginThrottle({ ...opts, now: () => 0 });
    const delays = [];
    for (const ip of ['10.0.0.1', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']) {
      const a = th.admit('Ann', ip);
      delays.push(a.allowed ? a.delayMs : 'refused');
    }
    expect(delays).toEqual([0, 0, 100, 200, 350, 350]);
    expect(th.admit('ann', '10.0.0.1')).toEqual({ allowed: false, retryAfter: 60 });
  });

  test('a success forgives its address only; an abandoned attempt (mail server down) counts nowhere', () => {
    const th = new LoginThrottle({ ...opts, now: () => 0 });
    const first = th.admit('bo', '10.0.0.1');
    if (!first.allowed) throw new Error('refused');
    first.attempt.abandoned();
    first.attempt.abandoned();
    for (let i = 0; i < 2; i++) th.admit('bo', '10.0.0.1');
    expect(th.admit('bo', '10.0.0.1').allowed).toBe(false);
    const owner = th.admit('bo', '10.0.0.2');
    if (!owner.allowed) throw new Error('refused');
    expect(owner.delayMs).toBe(100);
    owner.attempt.succeeded();
    expect(th.admit('bo', '10.0.0.1').allowed).toBe(false);
    const again = th.admit('bo', '10.0.0.2');
    expect(again.allowed && again.delayMs).toBe(100);
  });
});
