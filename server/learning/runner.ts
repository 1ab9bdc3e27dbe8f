// Runs learning passes: for one user, scan Junk then learn every pending
// intent, under a deadline and a per-user lease (in-process and in the
// database), so a hung IMAP server or learner never makes runs pile up.
// Across users, at most `concurrency` passes run at once.
import { randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import type { LearningRepository } from '../store/learning-repository.js';
import { LearnerError, type Learner } from './learner.js';
import { scanJunk, type ScanKind, type ScanOptions } from './watcher.js';

export interface RunnerOptions {
  repo: LearningRepository;
  /** Opens an IMAP session acting as the user. */
  connect: (username: string) => Promise<ImapFlow>;
  learner: Learner;
  scan: ScanOptions;
  runTimeoutMs: number;
  concurrency: number;
  /** Intents learned per learner call. */
  batchSize?: number;
  /** Called after every pass (for logs and progress). */
  onReport?: (report: RunReport) => void;
}

export interface RunReport {
  username: string;
  outcome: 'ok' | 'error' | 'timeout' | 'busy';
  scan: ScanKind | null;
  created: number;
  learned: number;
  failed: number;
  error: string | null;
}

export class LearningRunner {
  private readonly owner = randomUUID();
  private readonly running = new Map<string, Promise<RunReport>>();
  private readonly again = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<unknown> | null = null;

  constructor(private readonly opts: RunnerOptions) {}

  /** One pass for one user; 'busy' when a pass for that user is already running anywhere. */
  runUser(username: string): Promise<RunReport> {
    if (this.running.has(username)) return Promise.resolve(busy(username));
    const p = this.pass(username)
      .then((r) => {
        this.opts.onReport?.(r);
        return r;
      })
      .finally(() => this.running.delete(username));
    this.running.set(username, p);
    return p;
  }

  /**
   * Asks for a pass (e.g. IDLE saw a change): now, or right after the one in
   * progress, since that one may have looked before the change.
   */
  request(username: string): void {
    if (this.running.has(username)) {
      this.again.add(username);
      return;
    }
    void this.runUser(username).then(() => {
      if (this.again.delete(username)) this.request(username);
    });
  }

  async runAll(usernames: readonly string[]): Promise<RunReport[]> {
    const reports: RunReport[] = [];
    const queue = [...usernames];
    const worker = async () => {
      for (let u = queue.shift(); u !== undefined; u = queue.shift()) reports.push(await this.runUser(u));
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, queue.length) }, worker));
    return reports;
  }

  /** Polls every user each `intervalMs` until stop(). A tick never starts while the last one runs. */
  start(usernames: () => readonly string[], intervalMs: number): void {
    const tick = async () => {
      this.loop = this.runAll(usernames());
      await this.loop;
      if (this.timer !== null) this.timer = setTimeout(() => void tick(), intervalMs);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.loop;
    await Promise.all(this.running.values());
  }

  private async pass(username: string): Promise<RunReport> {
    const { repo, runTimeoutMs } = this.opts;
    if (!repo.acquireLease(username, this.owner, runTimeoutMs + 30_000)) return busy(username);
    const runId = repo.startRun(username);
    const report: RunReport = { username, outcome: 'ok', scan: null, created: 0, learned: 0, failed: 0, error: null };
    const abort = new AbortController();
    let client: ImapFlow | null = null;
    const deadline = setTimeout(() => {
      abort.abort();
      client?.close(); // makes a pending IMAP command reject now
    }, runTimeoutMs);
    try {
      try {
        client = await this.opts.connect(username);
        if (abort.signal.aborted) client.close();
        const scan = await scanJunk(client, repo, username, this.opts.scan);
        report.scan = scan.kind;
        report.created = scan.created;
        await client.logout().catch(() => {});
      } catch (err) {
        // Intents already recorded are still learned below.
        report.outcome = 'error';
        report.error = `IMAP: ${(err as Error).message}`;
      }
      await this.learnPending(username, abort.signal, report);
    } catch (err) {
      report.outcome = 'error';
      report.error = (err as Error).message;
    } finally {
      clearTimeout(deadline);
      client?.close();
      if (abort.signal.aborted) {
        report.outcome = 'timeout';
        report.error = `run exceeded ${Math.round(runTimeoutMs / 1000)} s and was stopped`;
      }
      repo.finishRun(runId, report.outcome === 'busy' ? 'error' : report.outcome, report.learned, report.error);
      repo.releaseLease(username, this.owner);
    }
    return report;
  }

  private async learnPending(username: string, signal: AbortSignal, report: RunReport): Promise<void> {
    const { repo, learner } = this.opts;
    const batchSize = this.opts.batchSize ?? 500;
    for (;;) {
      const items = repo.pending(username, batchSize);
      if (!items.length || signal.aborted) return;
      let outcomes;
      try {
        outcomes = await learner.learn(username, items, signal);
      } catch (err) {
        const message = err instanceof LearnerError ? err.message : `${learner.name}: ${(err as Error).message}`;
        repo.markFailed(items[0]!.id, message);
        report.failed++;
        throw new Error(message, { cause: err });
      }
      for (const o of outcomes) {
        if (o.result) {
          repo.markLearned(o.id, o.result);
          report.learned++;
        } else {
          repo.markFailed(o.id, o.error ?? 'unknown error');
          report.failed++;
        }
      }
      // A short answer means the learner stopped at a failure: retry next run.
      if (outcomes.length < items.length || outcomes.some((o) => !o.result)) {
        report.outcome = 'error';
        report.error = outcomes.find((o) => o.error)?.error ?? `${learner.name} stopped early`;
        return;
      }
    }
  }
}

function busy(username: string): RunReport {
  return { username, outcome: 'busy', scan: null, created: 0, learned: 0, failed: 0, error: 'a run for this user is already in progress' };
}
