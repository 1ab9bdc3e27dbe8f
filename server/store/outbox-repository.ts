// SQL for the deploy outbox (tables in migrations/deploy.ts). Every method is
// one statement or one transaction; claiming runs in an IMMEDIATE
// transaction so two workers (even in two processes) never claim rows of
// the same user at once.
import type Database from 'better-sqlite3';
import type { DeployErrorCode } from '../deploy/outcome.js';
import type { Db } from './db.js';

export type OutboxState = 'pending' | 'running' | 'deployed' | 'failed' | 'superseded';

export interface OutboxRow {
  id: number;
  username: string;
  version: number;
  sieve: string;
  prefs: string;
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

  /** Inserts a request and supersedes the user's older pending ones, atomically. */
  insert(row: { username: string; version: number; sieve: string; prefs: string; target: string; dueAt: number }): number {
    return this.db.transaction(() => {
      this.sql(`UPDATE deploy_outbox SET state = 'superseded', updated_at = ${NOW_ISO} WHERE username = ? AND state = 'pending'`).run(row.username);
      const r = this
        .sql(`INSERT INTO deploy_outbox (username, version, sieve, prefs, target, state, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)`)
        .run(row.username, row.version, row.sieve, row.prefs, row.target, row.dueAt);
      return Number(r.lastInsertRowid);
    })();
  }

  /**
   * Claims a row: first one whose lease expired (its worker died), then the
   * oldest due pending row whose user has no live lease. An expired row
   * with a newer request for the same user is superseded instead, so an
   * older version is never deployed after a newer one. Each step walks an
   * index, so claiming stays cheap with thousands of rows queued.
   */
  claim(owner: string, now: number, leaseMs: number): OutboxRow | null {
    return this.db.transaction((): OutboxRow | null => {
      this
        .sql(
          `UPDATE deploy_outbox SET state = 'superseded', updated_at = ${NOW_ISO}
           WHERE state = 'running' AND lease_until < ? AND EXISTS (${NEWER_REQUEST})`,
        )
        .run(now);
      const row = (this
        .sql(`SELECT * FROM deploy_outbox WHERE state = 'running' AND lease_until < ? ORDER BY id LIMIT 1`)
        .get(now) ??
        this
          .sql(
            `SELECT * FROM deploy_outbox o
             WHERE o.state = 'pending' AND o.next_attempt_at <= @now
               AND NOT EXISTS (SELECT 1 FROM deploy_outbox r WHERE r.username = o.username AND r.state = 'running' AND r.lease_until >= @now)
             ORDER BY o.next_attempt_at LIMIT 1`,
          )
          .get({ now })) as OutboxRow | undefined;
      if (!row) return null;
      this
        .sql(`UPDATE deploy_outbox SET state = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ${NOW_ISO} WHERE id = ?`)
        .run(owner, now + leaseMs, row.id);
      return { ...row, state: 'running', lease_owner: owner, lease_until: now + leaseMs, attempts: row.attempts + 1 };
    }).immediate();
  }

  /**
   * Marks a claimed row deployed and records it as live, with why the
   * server's compiler did not check it (null: it did); false when the lease
   * was lost.
   */
  markDeployed(id: number, owner: string, unverified: string | null): boolean {
    return this.db.transaction(() => {
      const r = this
        .sql(`UPDATE deploy_outbox SET state = 'deployed', lease_owner = NULL, lease_until = NULL, last_error = NULL, error_code = NULL, error_line = NULL, error_rule = NULL, updated_at = ${NOW_ISO} WHERE id = ? AND lease_owner = ? AND state = 'running'`)
        .run(id, owner);
      if (r.changes === 0) return false;
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
      return true;
    }).immediate();
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

  markFailed(id: number, owner: string, failure: FailureRecord): void {
    this
      .sql(`UPDATE deploy_outbox SET state = 'failed', lease_owner = NULL, lease_until = NULL, last_error = ?, error_code = ?, error_line = ?, error_rule = ?, updated_at = ${NOW_ISO} WHERE id = ? AND lease_owner = ? AND state = 'running'`)
      .run(failure.message, failure.code, failure.line, failure.rule, id, owner);
  }

  /** Rows still to be delivered (pending, or running under a lease). */
  outstanding(): number {
    return (this.sql(`SELECT COUNT(*) AS n FROM deploy_outbox WHERE state IN ('pending', 'running')`).get() as { n: number }).n;
  }

  /**
   * When the next row becomes claimable: a pending row not blocked by a live
   * lease of the same user (those wake up when that deploy finishes), or an
   * expired lease.
   */
  nextDueAt(now: number): number | null {
    const r = this
      .sql(
        `SELECT MIN(CASE WHEN o.state = 'pending' THEN o.next_attempt_at ELSE o.lease_until END) AS t FROM deploy_outbox o
         WHERE o.state = 'running'
            OR (o.state = 'pending' AND NOT EXISTS (SELECT 1 FROM deploy_outbox r WHERE r.username = o.username AND r.state = 'running' AND r.lease_until >= @now))`,
      )
      .get({ now }) as { t: number | null };
    return r.t;
  }

  /** The newest non-superseded request per user (or for one user). */
  latest(username?: string): OutboxRow[] {
    const where = username === undefined ? '' : 'AND username = @username';
    return this
      .sql(
        `SELECT * FROM deploy_outbox WHERE id IN (
           SELECT MAX(id) FROM deploy_outbox WHERE state <> 'superseded' ${where} GROUP BY username
         ) ORDER BY username`,
      )
      .all(username === undefined ? {} : { username }) as OutboxRow[];
  }

  current(username?: string): CurrentRow[] {
    return (username === undefined
      ? this.sql('SELECT * FROM deploy_current ORDER BY username').all()
      : this.sql('SELECT * FROM deploy_current WHERE username = ?').all(username)) as CurrentRow[];
  }
}
