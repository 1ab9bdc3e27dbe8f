// Near-real-time learning where connections may be held: IMAP IDLE (RFC
// 2177) on users' Junk folders. Any EXISTS, EXPUNGE/VANISHED or FETCH FLAGS
// there asks for a pass; the pass itself still runs on its own session from
// the stored cursor, so IDLE only makes it sooner, never different.
//
// At most `maxSessions` sessions are open at once, far below Dovecot's
// imap-login and imap process limits, so learning never locks users out.
// With more users than sessions they take turns: a session is handed to the
// next waiting user after `turnMs` (a user who comes back gets a look at
// once, so a move made meanwhile is learned by that first pass). A failed
// session is retried after an exponential delay with jitter, so users whose
// server went away do not all come back in the same second.
import type { ImapFlow } from 'imapflow';

export interface IdleOptions {
  /** Opens a session as the user that may IDLE (imapflow's auto-IDLE off). */
  connect: (username: string) => Promise<ImapFlow>;
  junk: string;
  /** Called (debounced) when Junk changed, and when a user's session opens. */
  onChange: (username: string) => void;
  /** IMAP sessions held at once. */
  maxSessions: number;
  /** How long a user keeps a session while others wait for one. */
  turnMs?: number;
  debounceMs?: number;
  /** Re-issue IDLE this often; servers drop IDLE after ~30 minutes. */
  maxIdleMs?: number;
  /** Jitter source, in [0, 1): Math.random unless a test seeds it. */
  random?: () => number;
  backoff?: BackoffOptions;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 60_000 };

/**
 * Delay before retry number `attempt` (0 for the first): the ceiling
 * doubles from baseMs up to maxMs, and the delay is drawn between half the
 * ceiling and the ceiling ("equal jitter": never sooner than half).
 */
export function backoffDelay(attempt: number, random: () => number, o: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A FIFO with O(1) take (an index into the array, compacted now and then). */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class IdleWatcher {
  private stopped = false;
  private readonly waiting = new Fifo<string>();
  private readonly idleWorkers: Array<(username: string | null) => void> = [];
  private readonly clients = new Set<ImapFlow>();
  /** Back-off retries and debounced change reports, cleared by stop(). */
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  private workers: Promise<void>[] = [];
  private readonly random: () => number;

  constructor(private readonly opts: IdleOptions) {
    if (!Number.isInteger(opts.maxSessions) || opts.maxSessions < 1) throw new RangeError('maxSessions must be a positive integer');
    this.random = opts.random ?? Math.random;
  }

  start(usernames: readonly string[]): void {
    for (const u of usernames) this.enqueue(u);
    this.workers = Array.from({ length: Math.min(this.opts.maxSessions, usernames.length) }, () => this.work());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    for (const w of this.idleWorkers.splice(0)) w(null);
    for (const c of this.clients) c.close();
    await Promise.all(this.workers);
  }

  private enqueue(username: string): void {
    const worker = this.idleWorkers.shift();
    if (worker) worker(username);
    else this.waiting.push(username);
  }

  private next(): Promise<string | null> {
    if (this.stopped) return Promise.resolve(null);
    const u = this.waiting.take();
    if (u !== undefined) return Promise.resolve(u);
    return new Promise((resolve) => this.idleWorkers.push(resolve));
  }

  private async work(): Promise<void> {
    for (let u = await this.next(); u !== null; u = await this.next()) {
      const ok = await this.hold(u);
      if (this.stopped) return;
      if (ok) {
        this.failures.delete(u);
        this.enqueue(u);
        continue;
      }
      const attempt = this.failures.get(u) ?? 0;
      this.failures.set(u, attempt + 1);
      const t = setTimeout(() => {
        this.retryTimers.delete(t);
        this.enqueue(u);
      }, backoffDelay(attempt, this.random, this.opts.backoff));
      this.retryTimers.add(t);
    }
  }

  /** One turn of IDLE for `username`; false when the session failed. */
  private async hold(username: string): Promise<boolean> {
    const debounceMs = this.opts.debounceMs ?? 200;
    const turnMs = this.opts.turnMs ?? 5 * 60_000;
    const maxIdleMs = this.opts.maxIdleMs ?? 25 * 60_000;
    let timer: NodeJS.Timeout | null = null;
    // Not cleared when the turn ends: a change seen in it is still reported.
    const changed = () => {
      if (timer) this.retryTimers.delete(timer);
      if (timer) clearTimeout(timer);
      const t = setTimeout(() => {
        this.retryTimers.delete(t);
        this.opts.onChange(username);
      }, debounceMs);
      this.retryTimers.add(t);
      timer = t;
    };
    let client: ImapFlow | null = null;
    try {
      client = await this.opts.connect(username);
      this.clients.add(client);
      if (this.stopped) return true;
      await client.mailboxOpen(this.opts.junk, { readOnly: true });
      client.on('exists', changed).on('expunge', changed).on('flags', changed);
      // What happened while this user held no session.
      changed();
      let turnEnds = Date.now() + turnMs;
      while (!this.stopped && client.usable) {
        if (Date.now() >= turnEnds) {
          if (this.waiting.size > 0) break;
          turnEnds = Date.now() + turnMs;
        }
        const c = client;
        const idle = c.idle();
        // Ends IDLE at the turn's end (to see whether others wait) or before the server drops it.
        const wake = setTimeout(() => void c.noop().catch(() => {}), Math.max(1, Math.min(maxIdleMs, turnEnds - Date.now())));
        if ((await idle.finally(() => clearTimeout(wake))) === false) throw new Error('IDLE refused');
      }
      if (!this.stopped && client.usable) await client.logout().catch(() => {});
      return true;
    } catch {
      // Retried after a back-off; the regular polls keep learning meanwhile.
      return this.stopped;
    } finally {
      if (client) {
        this.clients.delete(client);
        client.close();
      }
    }
  }
}
