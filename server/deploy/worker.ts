// Delivers outbox rows to a target with bounded concurrency. Each row is
// claimed under a lease (a crashed worker's rows come back once it runs
// out), the outbox never hands out two rows of one user at once, transient
// failures are retried with exponential backoff and jitter up to
// maxAttempts, and permanent ones (a rejected script, a foreign active
// script) fail at once with the reason kept for the status page.
//
// Progress and the idle check read counters the outbox keeps per state,
// so a finished row costs the same with ten or a hundred thousand queued.
// Deploys that finish within COMPLETE_EVERY_MS are recorded in one
// transaction, and the slots they free are claimed in the next one: a bulk
// deploy writes the outbox's bookkeeping pages once per batch, not once
// per user.
// While idle, delivered rows past their retention are pruned (hourly).
//
// Events: 'progress' { done, failed, total } after every finished row (done +
// failed + still outstanding = total); 'deployed' / 'failed' per row; 'idle'.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { ClaimedJob, Outbox } from './outbox.js';
import { DeployError, type DeployTarget } from './outcome.js';

export interface DeployWorkerOptions {
  concurrency: number;
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** Longer than any single deploy can take (every command has its own timeout). */
  leaseMs?: number;
  /** How often to look for rows queued by other processes. */
  pollMs?: number;
}

export interface DeployProgress {
  done: number;
  failed: number;
  total: number;
}

export interface DeployedEvent {
  username: string;
  version: number;
  /** False when no compiler checked the script (written, not verified). */
  verified: boolean;
}

export interface DeployFailure {
  username: string;
  version: number;
  error: string;
  code: string;
  line: number | null;
  rule: string | null;
  final: boolean;
}

const PRUNE_EVERY_MS = 3_600_000;
const COMPLETE_EVERY_MS = 25;

export class DeployWorker extends EventEmitter {
  readonly owner = randomUUID();
  private running = false;
  private active = 0;
  /** Set while a batch is under way; cleared (and counters reset) when the outbox runs empty. */
  private busy = false;
  private done = 0;
  private failed = 0;
  private timer: NodeJS.Timeout | null = null;
  private prunedAt = Number.NEGATIVE_INFINITY;
  private pumpQueued = false;
  private readonly inFlight = new Set<Promise<void>>();
  private completing: Array<{ job: ClaimedJob; unverified: string | null; settle: (ok: boolean | Error) => void }> = [];
  private readonly onEnqueued = () => this.pump();
  private readonly opts: Required<DeployWorkerOptions>;

  constructor(
    private readonly outbox: Outbox,
    private readonly target: DeployTarget,
    opts: DeployWorkerOptions,
  ) {
    super();
    this.opts = { maxAttempts: 12, backoff: DEFAULT_BACKOFF, leaseMs: 5 * 60_000, pollMs: 1_000, ...opts };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.outbox.on('enqueued', this.onEnqueued);
    this.pump();
  }

  /** Stops claiming and waits for the deploys in flight to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.outbox.off('enqueued', this.onEnqueued);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves when the outbox has nothing left to deliver (every row deployed or finally failed). */
  drain(): Promise<void> {
    if (this.outbox.outstanding() === 0 && this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.once('idle', () => resolve()));
  }

  progress(): DeployProgress {
    return { done: this.done, failed: this.failed, total: this.done + this.failed + this.outbox.outstanding() };
  }

  private pump(): void {
    if (!this.running) return;
    const free = this.opts.concurrency - this.active;
    if (free <= 0) return;
    const jobs = this.outbox.claimAll(this.owner, this.opts.leaseMs, free);
    for (const job of jobs) {
      this.active += 1;
      this.busy = true;
      const p = this.deliver(job).finally(() => {
        this.active -= 1;
        this.inFlight.delete(p);
        this.emit('progress', this.progress());
        // Deploys recorded together end in one turn: their free slots are claimed together, once.
        this.pumpSoon();
      });
      this.inFlight.add(p);
    }
    // Nothing (more) claimable now: wake when the next row is due (or to poll).
    if (jobs.length < free) this.scheduleWake();
  }

  private pumpSoon(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Records a delivered row together with the others finishing within COMPLETE_EVERY_MS. */
  private complete(job: ClaimedJob, unverified: string | null): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const settle = (ok: boolean | Error) => (ok instanceof Error ? reject(ok) : resolve(ok));
      if (this.completing.push({ job, unverified, settle }) === 1) setTimeout(() => this.flushCompletions(), COMPLETE_EVERY_MS);
    });
  }

  private flushCompletions(): void {
    const batch = this.completing;
    this.completing = [];
    let oks: boolean[];
    try {
      oks = this.outbox.completeAll(batch.map((b) => ({ id: b.job.id, unverified: b.unverified })), this.owner);
    } catch (e) {
      for (const b of batch) b.settle(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    batch.forEach((b, i) => b.settle(oks[i]!));
  }

  private scheduleWake(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.running) return;
    const outstanding = this.outbox.outstanding();
    if (outstanding === 0 && this.active === 0) {
      this.emit('idle', this.progress());
      if (this.outbox.now() - this.prunedAt >= PRUNE_EVERY_MS) {
        this.prunedAt = this.outbox.now();
        this.outbox.prune();
      }
      if (this.busy) {
        this.busy = false;
        this.done = 0;
        this.failed = 0;
      }
    }
    const due = this.outbox.nextDueAt();
    const wait = due === null ? this.opts.pollMs : Math.min(this.opts.pollMs, Math.max(0, due - this.outbox.now()));
    this.timer = setTimeout(() => this.pump(), wait);
    this.timer.unref();
  }

  private async deliver(job: ClaimedJob): Promise<void> {
    let failure: DeployError;
    try {
      const outcome = await this.target.deploy(job);
      if (outcome.status === 'deployed' || outcome.status === 'unverified') {
        const unverified = outcome.status === 'unverified' ? outcome.reason : null;
        if (await this.complete(job, unverified)) {
          this.done += 1;
          const event: DeployedEvent = { username: job.username, version: job.version, verified: unverified === null };
          this.emit('deployed', event);
        }
        return;
      }
      failure = new DeployError(
        `another Sieve script is active ('${outcome.activeScript}'); sievewright leaves it alone until you replace it from the offer about it on My rules (or an administrator sets deploy.takeOver)`,
        'foreign_active',
        false,
      );
    } catch (e) {
      failure = e instanceof DeployError ? e : new DeployError(e instanceof Error ? e.message : String(e), 'server', true, undefined, { cause: e });
    }
    const record = { message: failure.message, code: failure.code, line: failure.line ?? null, rule: failure.rule };
    const final = !failure.transient || job.attempts >= this.opts.maxAttempts;
    if (final) {
      this.outbox.fail(job.id, this.owner, record);
      this.failed += 1;
    } else {
      this.outbox.retryLater(job.id, this.owner, backoffDelay(job.attempts, this.opts.backoff), record);
    }
    const event: DeployFailure = { username: job.username, version: job.version, error: record.message, code: record.code, line: record.line, rule: record.rule, final };
    this.emit('failed', event);
  }
}
