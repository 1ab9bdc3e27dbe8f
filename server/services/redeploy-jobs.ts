// Bulk re-deploys (after the admin changed defaults, or on request) tracked
// as jobs, so the admin page can follow one job's progress over SSE. Progress
// is read from the outbox's per-user state: a user is done once the job's
// deploy left the pending state.
import { randomBytes } from 'node:crypto';
import type { Outbox } from '../deploy/outbox.js';

export interface JobProgress {
  done: number;
  failed: number;
  total: number;
}

interface Job {
  usernames: string[];
  /** Users that could not even be queued (e.g. their rules no longer compile). */
  failedEarly: Set<string>;
  createdAt: number;
}

const KEEP_JOBS_MS = 24 * 3_600_000;

export class RedeployJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly outbox: Outbox) {}

  create(usernames: string[], failedEarly: Iterable<string>): string {
    this.sweep();
    const id = randomBytes(9).toString('base64url');
    this.jobs.set(id, { usernames, failedEarly: new Set(failedEarly), createdAt: Date.now() });
    return id;
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  progress(id: string): JobProgress | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    let done = 0;
    let failed = 0;
    for (const u of job.usernames) {
      if (job.failedEarly.has(u)) {
        failed++;
        continue;
      }
      const s = this.outbox.status(u).state;
      if (s === 'deployed') done++;
      else if (s === 'failed') failed++;
    }
    return { done, failed, total: job.usernames.length };
  }

  private sweep(): void {
    const cutoff = Date.now() - KEEP_JOBS_MS;
    for (const [id, j] of this.jobs) if (j.createdAt < cutoff) this.jobs.delete(id);
  }
}
