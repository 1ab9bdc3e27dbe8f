// Bulk re-deploys (after the admin changed defaults, or on request) tracked
// as jobs, so the admin page can follow one job's progress over SSE.
//
// Progress is counters kept as the outbox reports rows finished (its
// `finished` event), never a count over the users: following a job of a
// hundred thousand users costs the same per event as one of ten. A user
// counts once their deploy queued by the job, or a newer one of theirs,
// is delivered or finally fails.
//
// Queueing shares the event loop with deploying: users are compiled in
// slices of a few milliseconds, queued INSERT_BATCH at a time in one
// transaction, and
// the job runs at most `lead` users ahead of the deploys that finished, so
// deploy I/O keeps going while the rest is queued. When deploys stall (the
// mail server is down and rows wait for their retry), queueing still goes on
// at `lead` users per stall wait, so every user reaches the durable outbox.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { FinishedRow, Outbox, QueuedJob } from '../deploy/outbox.js';

export interface JobProgress {
  done: number;
  failed: number;
  total: number;
}

interface Job {
  total: number;
  done: number;
  failed: number;
  /** Queued users not finished yet: the outbox row the job queued for each. */
  waiting: Map<string, number>;
  createdAt: number;
  /** Emits `change` after the counters moved. */
  events: EventEmitter;
}

export interface RedeployJobsOptions {
  /** Users the job may queue ahead of the deploys that finished. */
  lead?: number;
  /** Longest wait for a deploy to finish before queueing goes on regardless. */
  stallMs?: number;
  /** Compile time per slice before the event loop gets a turn. */
  sliceMs?: number;
}

const KEEP_JOBS_MS = 24 * 3_600_000;
/** Users queued per transaction. */
const INSERT_BATCH = 64;

export class RedeployJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly opts: Required<RedeployJobsOptions>;

  constructor(
    private readonly outbox: Outbox,
    opts: RedeployJobsOptions = {},
  ) {
    this.opts = { lead: 2_000, stallMs: 1_000, sliceMs: 10, ...opts };
    outbox.on('finished', (row: FinishedRow) => this.onFinished(row));
  }

  /**
   * Starts queueing `usernames`, each as `prepare` makes their deploy (null:
   * it cannot be made, e.g. their rules no longer compile), and returns the
   * job id at once.
   */
  start(usernames: readonly string[], prepare: (username: string) => QueuedJob | null, onError: (err: unknown) => void): string {
    this.sweep();
    const id = randomBytes(9).toString('base64url');
    const job: Job = { total: usernames.length, done: 0, failed: 0, waiting: new Map(), createdAt: Date.now(), events: new EventEmitter() };
    this.jobs.set(id, job);
    void this.queue(job, usernames, prepare, onError).catch(onError);
    return id;
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  progress(id: string): JobProgress | undefined {
    const job = this.jobs.get(id);
    return job && { done: job.done, failed: job.failed, total: job.total };
  }

  /** Calls `listener` after each change of the job's counters; returns the unsubscribe. */
  subscribe(id: string, listener: () => void): () => void {
    const events = this.jobs.get(id)?.events;
    events?.on('change', listener);
    return () => events?.off('change', listener);
  }

  private async queue(job: Job, usernames: readonly string[], prepare: (u: string) => QueuedJob | null, onError: (err: unknown) => void): Promise<void> {
    let next = 0;
    // How many more users may be queued before waiting for deploys to finish.
    let room = 0;
    // Prepared over several slices, queued in one transaction.
    let batch: QueuedJob[] = [];
    // The first slice runs at once: a small job is queued before start() returns.
    for (let first = true; next < usernames.length || batch.length > 0; first = false) {
      if (!first) await new Promise((r) => setImmediate(r));
      room = Math.max(room, this.opts.lead - job.waiting.size - batch.length);
      const sliceEnd = performance.now() + this.opts.sliceMs;
      let failed = 0;
      while (next < usernames.length && room > 0 && batch.length < INSERT_BATCH && performance.now() < sliceEnd) {
        let prepared: QueuedJob | null = null;
        try {
          prepared = prepare(usernames[next]!);
        } catch (err) {
          onError(err);
        }
        if (prepared) {
          batch.push(prepared);
          room--;
        } else failed++;
        next++;
      }
      if (batch.length >= INSERT_BATCH || room <= 0 || next >= usernames.length) {
        try {
          const ids = this.outbox.enqueueAll(batch);
          batch.forEach((b, i) => job.waiting.set(b.username, ids[i]!));
        } catch (err) {
          onError(err);
          failed += batch.length;
        }
        batch = [];
      }
      if (failed > 0) {
        job.failed += failed;
        job.events.emit('change');
      }
      if (room <= 0 && next < usernames.length) {
        const stalled = await this.finishedOrStalled(job);
        room = stalled ? this.opts.lead : this.opts.lead - job.waiting.size;
      }
    }
  }

  /** Resolves true when no deploy of the job finished within stallMs. */
  private finishedOrStalled(job: Job): Promise<boolean> {
    return new Promise((resolve) => {
      const settle = (stalled: boolean) => {
        clearTimeout(timer);
        job.events.off('change', onChange);
        resolve(stalled);
      };
      const onChange = () => settle(false);
      const timer = setTimeout(() => settle(true), this.opts.stallMs);
      job.events.on('change', onChange);
    });
  }

  private onFinished(row: FinishedRow): void {
    for (const job of this.jobs.values()) {
      const queued = job.waiting.get(row.username);
      // A row older than the job's is a deploy that was under way before it.
      if (queued === undefined || row.id < queued) continue;
      job.waiting.delete(row.username);
      if (row.ok) job.done++;
      else job.failed++;
      job.events.emit('change');
    }
  }

  private sweep(): void {
    const cutoff = Date.now() - KEEP_JOBS_MS;
    for (const [id, j] of this.jobs) if (j.createdAt < cutoff) this.jobs.delete(id);
  }
}
