// SQL for the deploy outbox (tables in migrations/deploy.ts). Every method is
// one statement or one transaction; claiming runs in an IMMEDIATE
// transaction so two workers (even in two processes) never claim rows of
// the same user at once. A row refers to its script and user_prefs by
// content (deploy_blobs): each text is written once, however many users
// share it and however often the row changes state.
import type Database from 'better-sqlite3';
import type { DeployErrorCode } from '../deploy/outcome.js';
import { contentHash, packText, unpackText, type Db } from './db.js';

export type OutboxState = 'pending' | 'running' | 'deployed' | 'failed' | 'superseded';

/** One request as stored, without its texts (see ClaimedRow). */
export interface OutboxRow {
  id: number;
  username: string;
  version: number;
  target: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  /** Migration 102 turned the kebab-case codes of older rows into these. */
  error_code: DeployErrorCode | null;
  error_line: number | null;
  /** The user's rule a rejected script's error lies in. */
  error_rule: string | null;
  created_at: string;
  updated_at: string;
}

/** A claimed request with the texts to deploy. */
export type ClaimedRow = OutboxRow & { sieve: string; prefs: string };

export interface QueuedRow {
  username: string;
  version: number;
  sieve: string;
  prefs: string;
  target: string;
  dueAt: number;
}

export interface CurrentRow {
  username: string;
  version: number;
  target: string;
  deployed_at: string;
  /** Why the live script was not checked by the server's compiler; null when it was. */
  unverified: string | null;
}

export interface FailureRecord {
  message: string;
  code: DeployErrorCode | null;
  line: number | null;
  rule: string | null;
}

const NOW_ISO = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

/** Every column of deploy_outbox but the text references, for `o`. */
const ROW = `o.id, o.username, o.version, o.target, o.state, o.attempts, o.next_attempt_at, o.lease_owner, o.lease_until,
  o.last_error, o.error_code, o.error_line, o.error_rule, o.created_at, o.updated_at`;

/** A newer pending or running request of the same user as the deploy_outbox row being updated. */
const NEWER_REQUEST = `SELECT 1 FROM deploy_outbox n WHERE n.username = deploy_outbox.username AND n.id > deploy_outbox.id AND n.state IN ('pending', 'running')`;

export class OutboxRepository {
  /** Prepared once per SQL text: a bulk deploy claims and completes thousands of rows. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Db) {}

  private sql(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  /** Inserts requests and supersedes each user's older pending ones, atomically, in one transaction. */
  insert(rows: readonly QueuedRow[]): number[] {
    return this.db.transaction(() => rows.map((row) => {
      this.sql(`UPDATE deploy_outbox SET state = 'superseded', updated_at = ${NOW_ISO} WHERE username = ? AND state = 'pending'`).run(row.username);
      const r = this
        .sql(`INSERT INTO deploy_outbox (username, version, sieve_blob, prefs_blob, target, state, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)`)
        .run(row.username, row.version, this.blob(row.sieve), this.blob(row.prefs), row.target, row.dueAt);
      return Number(r.lastInsertRowid);
    }))();
  }

  /** The id of `text` in deploy_blobs, stored now if it is new. */
  private blob(text: string): number {
    const hash = contentHash(text);
    const found = this.sql('SELECT id FROM deploy_blobs WHERE hash = ?').get(hash) as { id: number } | undefined;
    if (found) return found.id;
    return Number(this.sql('INSERT INTO deploy_blobs (hash, body) VALUES (?, ?)').run(hash, packText(text)).lastInsertRowid);
  }

  /**
   * Claims a row: first one whose lease expired (its worker died), then the
   * oldest due pending row whose user has no live lease. An expired row
   * with a newer request for the same user is superseded instead, so an
   * older version is never deployed after a newer one. Each step walks an
   * index, so claiming stays cheap with thousands of rows queued.
   */
  claim(owner: string, now: number, leaseMs: number): ClaimedRow | null {
    return this.claimMany(owner, now, leaseMs, 1)[0] ?? null;
  }

  /** Up to `limit` rows claimed in one transaction (a bulk deploy then writes its bookkeeping pages once per batch). */
  claimMany(owner: string, now: number, leaseMs: number, limit: number): ClaimedRow[] {
    return this.db.transaction((): ClaimedRow[] => {
      const rows: ClaimedRow[] = [];
      while (rows.length < limit) {
        const row = this.claimOne(owner, now, leaseMs);
        if (!row) break;
        rows.push(row);
      }
      return rows;
    }).immediate();
  }

  private claimOne(owner: string, now: number, leaseMs: number): ClaimedRow | null {
    this
      .sql(
        `UPDATE deploy_outbox SET state = 'superseded', updated_at = ${NOW_ISO}
         WHERE state = 'running' AND lease_until < ? AND EXISTS (${NEWER_REQUEST})`,
      )
      .run(now);
    const texts = `${ROW}, s.body AS sieve, p.body AS prefs FROM deploy_outbox o
      JOIN deploy_blobs s ON s.id = o.sieve_blob JOIN deploy_blobs p ON p.id = o.prefs_blob`;
    const row = (this
      .sql(`SELECT ${texts} WHERE o.state = 'running' AND o.lease_until < ? ORDER BY o.id LIMIT 1`)
      .get(now) ??
      this
        .sql(
          `SELECT ${texts}
           WHERE o.state = 'pending' AND o.next_attempt_at <= @now
             AND NOT EXISTS (SELECT 1 FROM deploy_outbox r WHERE r.username = o.username AND r.state = 'running' AND r.lease_until >= @now)
           ORDER BY o.next_attempt_at LIMIT 1`,
        )
        .get({ now })) as (OutboxRow & { sieve: Buffer; prefs: Buffer }) | undefined;
    if (!row) return null;
    this
      .sql(`UPDATE deploy_outbox SET state = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ${NOW_ISO} WHERE id = ?`)
      .run(owner, now + leaseMs, row.id);
    return { ...row, sieve: unpackText(row.sieve), prefs: unpackText(row.prefs), state: 'running', lease_owner: owner, lease_until: now + leaseMs, attempts: row.attempts + 1 };
  }

  /**
   * Marks a claimed row deployed and records it as live, with why the
   * server's compiler did not check it (null: it did). Returns the row's
   * user, or null when the lease was lost.
   */
  markDeployed(id: number, owner: string, unverified: string | null): string | null {
    return this.markDeployedMany([{ id, unverified }], owner)[0]!;
  }

  /** markDeployed for several rows in one transaction. */
  markDeployedMany(rows: ReadonlyArray<{ id: number; unverified: string | null }>, owner: string): Array<string | null> {
    return this.db.transaction(() => rows.map(({ id, unverified }) => this.markOneDeployed(id, owner, unverified))).immediate();
  }

  private markOneDeployed(id: number, owner: string, unverified: string | null): string | null {
    const r = this
      .sql(`UPDATE deploy_outbox SET state = 'deployed', lease_owner = NULL, lease_until = NULL, last_error = NULL, error_code = NULL, error_line = NULL, error_rule = NULL, updated_at = ${NOW_ISO} WHERE id = ? AND lease_owner = ? AND state = 'running' RETURNING username`)
      .get(id, owner) as { username: string } | undefined;
    if (!r) return null;
    this
      .sql(
        `INSERT INTO deploy_current (username, version, target, deployed_at, unverified)
         SELECT username, version, target, ${NOW_ISO}, @unverified FROM deploy_outbox WHERE id = @id
         ON CONFLICT (username) DO UPDATE SET version = excluded.version, target = excluded.target, deployed_at = excluded.deployed_at, unverified = excluded.unverified`,
      )
      .run({ id, unverified });
    // Older finished rows of the user say nothing the new one does not: keep the table one row per user.
    this
      .sql(
        `DELETE FROM deploy_outbox WHERE id < @id AND state IN ('deployed', 'failed', 'superseded')
           AND username = (SELECT username FROM deploy_outbox WHERE id = @id)`,
      )
      .run({ id });
    return r.username;
  }

  /**
   * Puts a claimed row back to wait until `dueAt`, keeping the error for the
   * status page; if a newer request for the user arrived meanwhile, the row
   * is superseded instead of retried.
   */
  markRetry(id: number, owner: string, dueAt: number, failure: FailureRecord): void {
    this
      .sql(`UPDATE deploy_outbox SET state = CASE WHEN EXISTS (${NEWER_REQUEST}) THEN 'superseded' ELSE 'pending' END, lease_owner = NULL, lease_until = NULL, next_attempt_at = ?, last_error = ?, error_code = ?, error_line = ?, error_rule = ?, updated_at = ${NOW_ISO} WHERE id = ? AND lease_owner = ? AND state = 'running'`)
      .run(dueAt, failure.message, failure.code, failure.line, failure.rule, id, owner);
  }

  /** Null when the lease was lost; the row's user otherwise. */
  markFailed(id: number, owner: string, failure: FailureRecord): string | null {
    const r = this
      .sql(`UPDATE deploy_outbox SET state = 'failed', lease_owner = NULL, lease_until = NULL, last_error = ?, error_code = ?, error_line = ?, error_rule = ?, updated_at = ${NOW_ISO} WHERE id = ? AND lease_owner = ? AND state = 'running' RETURNING username`)
      .get(failure.message, failure.code, failure.line, failure.rule, id, owner) as { username: string } | undefined;
    return r?.username ?? null;
  }

  /** Rows still to be delivered (pending, or running under a lease), from the counters the triggers keep. */
  outstanding(): number {
    return (this.sql(`SELECT SUM(n) AS n FROM deploy_counts WHERE state IN ('pending', 'running')`).get() as { n: number | null }).n ?? 0;
  }

  /**
   * When the next row becomes claimable: a pending row not blocked by a live
   * lease of the same user (those wake up when that deploy finishes), or an
   * expired lease. Both walk the (state, next_attempt_at) index: a user has
   * at most one pending row, so at most as many pending rows are blocked as
   * rows are running.
   */
  nextDueAt(now: number): number | null {
    const pending = this
      .sql(
        `SELECT o.next_attempt_at AS t FROM deploy_outbox o
         WHERE o.state = 'pending'
           AND NOT EXISTS (SELECT 1 FROM deploy_outbox r WHERE r.username = o.username AND r.state = 'running' AND r.lease_until >= @now)
         ORDER BY o.next_attempt_at LIMIT 1`,
      )
      .get({ now }) as { t: number } | undefined;
    const lease = this.sql(`SELECT MIN(lease_until) AS t FROM deploy_outbox WHERE state = 'running'`).get() as { t: number | null };
    const times = [pending?.t ?? null, lease.t].filter((t): t is number => t !== null);
    return times.length === 0 ? null : Math.min(...times);
  }

  /** Deletes delivered and superseded rows last changed before `cutoffIso` (their texts go with the last row using them). */
  prune(cutoffIso: string): number {
    return this.sql(`DELETE FROM deploy_outbox WHERE state IN ('deployed', 'superseded') AND updated_at < ?`).run(cutoffIso).changes;
  }

  /** The newest non-superseded request per user (or for one user). */
  latest(username?: string): OutboxRow[] {
    const where = username === undefined ? '' : 'AND username = @username';
    return this
      .sql(
        `SELECT ${ROW} FROM deploy_outbox o WHERE o.id IN (
           SELECT MAX(id) FROM deploy_outbox WHERE state <> 'superseded' ${where} GROUP BY username
         ) ORDER BY o.username`,
      )
      .all(username === undefined ? {} : { username }) as OutboxRow[];
  }

  current(username?: string): CurrentRow[] {
    return (username === undefined
      ? this.sql('SELECT * FROM deploy_current ORDER BY username').all()
      : this.sql('SELECT * FROM deploy_current WHERE username = ?').all(username)) as CurrentRow[];
  }
}
