// Retry delays: exponential with "equal jitter" (half fixed, half random), so
// a fleet of users failing together (a mail server restart) spreads its
// retries out instead of returning in one wave, yet each wait still grows.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2_000, maxMs: 10 * 60_000 };

/** Delay before retry number `attempt` (1 = after the first failure). `random` in [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
