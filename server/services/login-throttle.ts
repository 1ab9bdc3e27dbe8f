// Failed-login throttling that cannot be turned against the account owner.
// Attempts are limited per (user, address): a guesser at one address is
// stopped, while the owner at another address is not. Per user, across all
// addresses, failures only slow every further attempt down (a delay that
// doubles, capped), so guessing from many addresses gets slow without anyone
// being able to lock the owner out. Both counts are reserved before the
// password is checked, so concurrent attempts are counted as they start.
import { AttemptLimiter } from './attempt-limiter.js';

export interface LoginThrottleOptions {
  /** Attempts per (user, address) per window that may fail. */
  perUserFailures: number;
  windowMs: number;
  /** Delay once a user's failures from all addresses reach perUserFailures; doubles with each further failure. */
  delayMs: number;
  maxDelayMs: number;
  now?: () => number;
}

export type LoginAdmission = { allowed: false; retryAfter: number } | { allowed: true; delayMs: number; attempt: LoginAttempt };

export interface LoginAttempt {
  /** The password was right: the reservations are given back and the address is forgiven. */
  succeeded(): void;
  /** The check could not be made (mail server down): the attempt does not count. */
  abandoned(): void;
}

export class LoginThrottle {
  private readonly perPair: AttemptLimiter;
  private readonly perUser: AttemptLimiter;

  constructor(private readonly opts: LoginThrottleOptions) {
    this.perPair = new AttemptLimiter(opts.perUserFailures, opts.windowMs, opts.now);
    this.perUser = new AttemptLimiter(Number.POSITIVE_INFINITY, opts.windowMs, opts.now);
  }

  /** Reserves an attempt for `username` from `address`; call before checking the password. */
  admit(username: string, address: string): LoginAdmission {
    // Case-insensitive, so `Demo` and `demo` share their counts.
    const user = username.toLowerCase();
    const pair = `${user}\u0000${address}`;
    const state = this.perPair.acquire(pair);
    if (!state.allowed) return { allowed: false, retryAfter: state.retryAfter };
    const earlier = this.perUser.count(user);
    this.perUser.acquire(user);
    const { perUserFailures, delayMs, maxDelayMs } = this.opts;
    const delay = earlier < perUserFailures ? 0 : Math.min(maxDelayMs, delayMs * 2 ** Math.min(earlier - perUserFailures, 30));
    let settled = false;
    const settle = (fn: () => void) => () => {
      if (settled) return;
      settled = true;
      fn();
    };
    return {
      allowed: true,
      delayMs: delay,
      attempt: {
        succeeded: settle(() => {
          this.perPair.reset(pair);
          this.perUser.release(user);
        }),
        abandoned: settle(() => {
          this.perPair.release(pair);
          this.perUser.release(user);
        }),
      },
    };
  }
}
