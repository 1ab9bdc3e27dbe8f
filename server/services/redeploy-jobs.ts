// Bulk re-deploys (after the admin changed defaults, or on request) tracked
// as jobs, so the admin page can follow one job's progress over SSE. Users
// are queued in small batches that yield to the event loop, so re-deploying
// ten thousand users never stalls the server. A user counts as done once the
// job queued them and their deploy left the pending state.
import { randomBytes } from 'node:crypto';
import type { Outbox } from '../deploy/outbox.js';

export interface JobProgress {
  done: number;
  failed: number;
  total: number;
}

interface Job {
  usernames: string[];
  queued: Set<string>;
  /** Users that could not even be queued (e.g. their rules no longer compile). */
  failedEarly: Set<string>;
  createdAt: number;
}

const KEEP_JOBS_MS = 24 * 3_600_000;
const BATCH = 100;

export class RedeployJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly outbox: Outbox) {}

  /**
   * Starts queueing `usernames` through `queue` (false = could not be queued)
   * and returns the job id at once.
   */
  start(usernames: string[], queue: (username: string) => boolean, onError: (err: unknown) => void): string {
    this.sweep();
    const id = randomBytes(9).toString('base64url');
    const job: Job = { usernames, queued: new Set(), failedEarly: new Set(), createdAt: Date.now() };
    this.jobs.set(id, job);
    void (async () => {
      for (let i = 0; i < usernames.length; i += BATCH) {
        for (const u of usernames.slice(i, i + BATCH)) {
          let ok = false;
          try {
            ok = queue(u);
          } catch (err) {
            onError(err);
          }
          (ok ? job.queued : job.failedEarly).add(u);
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    return id;
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  progress(id: string): JobProgress | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    let done = 0;
    let failed = job.failedEarly.size;
    for (const u of job.queued) {
      const s = this.outbox.status(u).state;
      if (s === 'deployed' || s === 'unverified') done++;
      else if (s === 'failed' || s === 'rejected') failed++;
    }
    return { done, failed, total: job.usernames.length };
  }

  private sweep(): void {
    const cutoff = Date.now() - KEEP_JOBS_MS;
    for (const [id, j] of this.jobs) if (j.createdAt < cutoff) this.jobs.delete(id);
  }
}
