// The durable deploy outbox: every requested deploy is a row in SQLite, so a
// change survives a mail-server outage and a restart of sievewright. Only
// the latest version per user is delivered (an older pending request is
// superseded when a newer one arrives). The worker (worker.ts) claims rows
// under a lease; the status of each user is derived from the rows. A
// claimed job carries the user's consent to replace a foreign script as it
// stands at that moment, so a consent given while a deploy waits counts.
// Delivered rows are kept for a retention (the status page shows when),
// then pruned with the texts no other row uses.
import { EventEmitter } from 'node:events';
import type { DeployStatus } from '../routes/responses.js';
import type { Db } from '../store/db.js';
import { OutboxRepository, type CurrentRow, type FailureRecord, type OutboxRow } from '../store/outbox-repository.js';
import { UsersRepository } from '../store/users-repository.js';
import type { DeployJob } from './outcome.js';

export type { DeployStatus };

export interface OutboxOptions {
  /** Label of the target rows are meant for (shown in status, kept per row). */
  target?: string;
  /** Clock in ms; injectable for tests. */
  now?: () => number;
  /** How long delivered and superseded rows are kept (default 7 days). */
  retentionMs?: number;
}

const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;

export type ClaimedJob = DeployJob & { id: number; attempts: number };
/** Emitted as `finished` when a row reaches its end: deployed (ok) or finally failed. */
export interface FinishedRow {
  id: number;
  username: string;
  ok: boolean;
}
/** What a request queues; the consent is read when the job is claimed. */
export type QueuedJob = Omit<DeployJob, 'replaceConsent'>;

export class Outbox extends EventEmitter {
  private readonly repo: OutboxRepository;
  private readonly users: UsersRepository;
  private readonly target: string;
  private readonly retentionMs: number;
  readonly now: () => number;

  constructor(db: Db, opts: OutboxOptions = {}) {
    super();
    this.repo = new OutboxRepository(db);
    this.users = new UsersRepository(db);
    this.target = opts.target ?? 'default';
    this.now = opts.now ?? Date.now;
    this.retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
  }

  /** Queues a deploy; an older pending one for the same user is superseded. Emits `enqueued`. */
  enqueue(job: QueuedJob): void {
    this.enqueueAll([job]);
  }

  /** Queues several deploys in one transaction (a bulk re-deploy's batch); returns their row ids. Emits `enqueued` once. */
  enqueueAll(jobs: readonly QueuedJob[]): number[] {
    if (jobs.length === 0) return [];
    const dueAt = this.now();
    const ids = this.repo.insert(jobs.map((job) => ({ ...job, target: this.target, dueAt })));
    this.emit('enqueued');
    return ids;
  }

  status(username: string): DeployStatus {
    return toStatus(username, this.repo.latest(username)[0], this.repo.current(username)[0]);
  }

  /** Every user the outbox has seen, by username. */
  statusAll(): DeployStatus[] {
    const latest = new Map(this.repo.latest().map((r) => [r.username, r]));
    const current = new Map(this.repo.current().map((r) => [r.username, r]));
    const names = [...new Set([...latest.keys(), ...current.keys()])].sort();
    return names.map((u) => toStatus(u, latest.get(u), current.get(u)));
  }

  // The worker's side.

  claim(owner: string, leaseMs: number): ClaimedJob | null {
    return this.claimAll(owner, leaseMs, 1)[0] ?? null;
  }

  /** Up to `limit` jobs claimed at once, in one transaction. */
  claimAll(owner: string, leaseMs: number, limit: number): ClaimedJob[] {
    return this.repo.claimMany(owner, this.now(), leaseMs, limit).map((row) => {
      const consent = this.users.replaceConsent(row.username);
      return {
        id: row.id,
        username: row.username,
        version: row.version,
        sieve: row.sieve,
        prefs: row.prefs,
        attempts: row.attempts,
        ...(consent === null ? {} : { replaceConsent: consent }),
      };
    });
  }

  /** `unverified`: why the server's compiler did not check the script (null: it accepted it). False when the lease was lost. */
  complete(id: number, owner: string, unverified: string | null): boolean {
    return this.completeAll([{ id, unverified }], owner)[0]!;
  }

  /** complete() for several rows in one transaction. */
  completeAll(rows: ReadonlyArray<{ id: number; unverified: string | null }>, owner: string): boolean[] {
    const users = this.repo.markDeployedMany(rows, owner);
    return users.map((username, i) => {
      if (username === null) return false;
      this.emit('finished', { id: rows[i]!.id, username, ok: true } satisfies FinishedRow);
      return true;
    });
  }

  retryLater(id: number, owner: string, delayMs: number, failure: FailureRecord): void {
    this.repo.markRetry(id, owner, this.now() + delayMs, failure);
  }

  fail(id: number, owner: string, failure: FailureRecord): void {
    const username = this.repo.markFailed(id, owner, failure);
    if (username !== null) this.emit('finished', { id, username, ok: false } satisfies FinishedRow);
  }

  outstanding(): number {
    return this.repo.outstanding();
  }

  nextDueAt(): number | null {
    return this.repo.nextDueAt(this.now());
  }

  /** Removes delivered and superseded rows older than the retention; returns how many. */
  prune(): number {
    return this.repo.prune(new Date(this.now() - this.retentionMs).toISOString());
  }
}

function toStatus(username: string, latest: OutboxRow | undefined, current: CurrentRow | undefined): DeployStatus {
  const deployedVersion = current?.version ?? null;
  const unverifiedReason = current?.unverified ?? null;
  const live = unverifiedReason === null ? 'deployed' : 'unverified';
  if (!latest) {
    const state = current ? live : 'never';
    // The delivered row was pruned after its retention: the live record says when.
    return { username, state, deployedVersion, pendingVersion: null, error: null, errorLine: null, errorCode: null, errorRule: null, unverifiedReason, updatedAt: current?.deployed_at ?? null };
  }
  const waiting = latest.state === 'pending' || latest.state === 'running';
  const failed = latest.error_code === 'rejected' ? 'rejected' : 'failed';
  const state = waiting ? 'pending' : latest.state === 'failed' ? failed : live;
  return {
    username,
    state,
    deployedVersion,
    pendingVersion: waiting ? latest.version : null,
    // While pending, the error is why the previous attempt did not go through.
    error: latest.last_error,
    errorLine: latest.error_line,
    errorCode: latest.error_code,
    errorRule: latest.error_rule,
    unverifiedReason,
    updatedAt: latest.updated_at,
  };
}
