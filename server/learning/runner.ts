// Runs learning passes: for one user, scan Junk then learn every pending
// intent, under a deadline and a per-user lease (in-process and in the
// database), so a hung IMAP server or learner never makes runs pile up.
// Across users, at most `concurrency` passes run at once.
import { randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import type { LearningRepository, RunRetention } from '../store/learning-repository.js';
import { LearnerError, type Learner } from './learner.js';
import { ingestSpool } from './spool.js';
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
  /** Run records kept; pruned after every round of start(). */
  retention?: RunRetention;
  /** The IMAPSieve spool that backlog rounds store first. */
  spool?: { dir: string; onRejected?: (file: string, reason: string) => void };
  /** A round failed as a whole (e.g. the spool unreadable); the loop goes on. */
  onRoundError?: (err: Error) => void;
}

/** 'scan' reads Junk over IMAP first; 'backlog' only learns what is recorded (IMAPSieve events). */
export type PassKind = 'scan' | 'backlog';

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
  private active = false;
  private woken = false;
  private sleeping: { resolve: () => void; timer: NodeJS.Timeout } | null = null;
  private loop: Promise<unknown> | null = null;

  constructor(private readonly opts: RunnerOptions) {}

  /** One pass for one user; 'busy' when a pass for that user is already running anywhere. */
  runUser(username: string, kind: PassKind = 'scan'): Promise<RunReport> {
    if (this.running.has(username)) return Promise.resolve(busy(username));
    const p = this.pass(username, kind)
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

  async runAll(usernames: readonly string[], kind: PassKind = 'scan'): Promise<RunReport[]> {
    const reports: RunReport[] = [];
    // A shared index, not queue.shift(): shifting an array of 100,000 names is quadratic.
    let next = 0;
    const worker = async () => {
      while (next < usernames.length) reports.push(await this.runUser(usernames[next++]!, kind));
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, usernames.length) }, worker));
    return reports;
  }

  /**
   * Stores the moves IMAPSieve spooled (when a spool is configured), then
   * learns the recorded backlog of every user who has one, without IMAP.
   */
  async runBacklog(): Promise<RunReport[]> {
    const { repo, spool } = this.opts;
    if (spool) {
      const ingested = await ingestSpool(spool.dir, repo, { junk: this.opts.scan.folders.junk, maxMessageBytes: this.opts.scan.maxMessageBytes });
      for (const r of ingested.rejected) spool.onRejected?.(r.file, r.reason);
    }
    return this.runAll(repo.usersWithBacklog(), 'backlog');
  }

  /**
   * Runs a round each `intervalMs` until stop(): by default a scan of every
   * user; with IMAPSieve only the spool and the recorded backlog. A round
   * never starts while the last one runs; wake() starts the next one now.
   */
  start(usernames: () => readonly string[], intervalMs: number, kind: PassKind = 'scan'): void {
    this.active = true;
    const loop = async () => {
      while (this.active) {
        this.woken = false;
        await (kind === 'scan' ? this.runAll(usernames()) : this.runBacklog()).catch((err: unknown) => this.opts.onRoundError?.(err as Error));
        if (this.opts.retention) this.opts.repo.pruneRuns(this.opts.retention);
        if (!this.active || this.woken) continue;
        await new Promise<void>((resolve) => {
          this.sleeping = { resolve, timer: setTimeout(resolve, intervalMs) };
        });
        this.sleeping = null;
      }
    };
    this.loop = loop();
  }

  /** Something changed (a spooled move): the next round now, or right after the running one. */
  wake(): void {
    this.woken = true;
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.resolve();
    }
  }

  async stop(): Promise<void> {
    this.active = false;
    this.wake();
    await this.loop;
    await Promise.all(this.running.values());
  }

  private async pass(username: string, kind: PassKind): Promise<RunReport> {
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
      if (kind === 'scan') {
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
      }
      const learned = await learnBacklog(repo, this.opts.learner, username, abort.signal, this.opts.batchSize);
      report.learned = learned.learned;
      report.failed = learned.failed;
      if (learned.error) {
        report.outcome = 'error';
        report.error = learned.error;
      }
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
}

function busy(username: string): RunReport {
  return { username, outcome: 'busy', scan: null, created: 0, learned: 0, failed: 0, error: 'a run for this user is already in progress' };
}

export interface BacklogResult {
  learned: number;
  failed: number;
  /** Why learning stopped early (what is left stays for the next attempt). */
  error: string | null;
}

/**
 * Learns a user's recorded intents, oldest first, in batches. The caller
 * holds the user's lease, so no intent is taught twice at once. A learner
 * that cannot be reached leaves everything pending; one that cannot work at
 * all (misconfiguration) fails the oldest intent. Either ends the attempt.
 */
export async function learnBacklog(repo: LearningRepository, learner: Learner, username: string, signal: AbortSignal, batchSize = 500): Promise<BacklogResult> {
  const result: BacklogResult = { learned: 0, failed: 0, error: null };
  for (;;) {
    const items = repo.pending(username, batchSize);
    if (!items.length || signal.aborted) return result;
    let outcomes;
    try {
      outcomes = await learner.learn(username, items, signal);
    } catch (err) {
      const message = err instanceof LearnerError ? err.message : `${learner.name}: ${(err as Error).message}`;
      if (err instanceof LearnerError && (err.code === 'unavailable' || err.code === 'timeout')) {
        repo.markDeferred(items[0]!.id, message);
      } else {
        repo.markFailed(items[0]!.id, message);
        result.failed++;
      }
      result.error = message;
      return result;
    }
    for (const o of outcomes) {
      if (o.result) {
        repo.markLearned(o.id, o.result);
        result.learned++;
      } else {
        repo.markFailed(o.id, o.error ?? 'unknown error');
        result.failed++;
      }
    }
    // A short answer means the learner stopped at a failure: retry next time.
    if (outcomes.length < items.length || outcomes.some((o) => !o.result)) {
      result.error = outcomes.find((o) => o.error)?.error ?? `${learner.name} stopped early`;
      return result;
    }
  }
}
