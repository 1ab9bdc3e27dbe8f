// A user's rule set with its history: every save that changes the rules is
// a new version (an identical save adds none); restoring an old version saves
// it again as the newest one. History is kept within a retention (the last N
// versions plus the day's last version for M days) so one user cannot fill
// the disk by saving again and again. Rule sets are stored with their model
// version and read through grammar/model-migrate.ts, so old rows follow
// changes to the model.
import type { RuleSet } from '../../grammar/model.js';
import { fromStored, toStored } from '../../grammar/model-migrate.js';
import { canonicalJson } from '../services/canonical-json.js';
import type { Db } from './db.js';

export interface RuleVersion {
  username: string;
  version: number;
  ruleSet: RuleSet;
  author: string;
  summary: string;
  createdAt: string;
}

/** A save's outcome: `added` is false when the rules equal the newest version, which is returned unchanged. */
export type SavedVersion = RuleVersion & { added: boolean };

export interface HistoryRetention {
  /** The newest versions always kept. */
  keepLast: number;
  /** Older than those, each day's last version is kept for this many days. */
  keepDailyDays: number;
}

const DEFAULT_RETENTION: Readonly<HistoryRetention> = Object.freeze({ keepLast: 200, keepDailyDays: 90 });

/** One page of history, newest first: versions below `before` (all when absent). */
export interface HistoryPage {
  before?: number;
  limit: number;
}

export interface HistoryEntry {
  version: number;
  createdAt: string;
  author: string;
  summary: string;
}

interface Row {
  username: string;
  version: number;
  rule_set: string;
  author: string;
  summary: string;
  created_at: string;
}

/** Saving on top of a version other than the newest (another tab or device saved meanwhile). */
export class VersionConflictError extends Error {
  constructor(readonly current: number, readonly base: number) {
    super(`the rules were changed meanwhile (now version ${current}, edited version ${base})`);
    this.name = 'VersionConflictError';
  }
}

function toVersion(r: Row): RuleVersion {
  return {
    username: r.username,
    version: r.version,
    ruleSet: fromStored(JSON.parse(r.rule_set)),
    author: r.author,
    summary: r.summary,
    createdAt: r.created_at,
  };
}

export class RulesRepository {
  private readonly latestStmt;
  private readonly oneStmt;
  private readonly historyStmt;
  private readonly insertStmt;
  private readonly stampStmt;
  private readonly pruneStmt;

  constructor(
    private readonly db: Db,
    private readonly retention: Readonly<HistoryRetention> = DEFAULT_RETENTION,
  ) {
    this.latestStmt = db.prepare<[string], Row>('SELECT * FROM rule_versions WHERE username = ? ORDER BY version DESC LIMIT 1');
    this.oneStmt = db.prepare<[string, number], Row>('SELECT * FROM rule_versions WHERE username = ? AND version = ?');
    this.historyStmt = db.prepare<[string, number, number], HistoryEntry>(
      'SELECT version, created_at AS createdAt, author, summary FROM rule_versions WHERE username = ? AND version < ? ORDER BY version DESC LIMIT ?',
    );
    this.insertStmt = db.prepare<[string, number, string, string, string], { created_at: string }>(
      'INSERT INTO rule_versions (username, version, rule_set, author, summary) VALUES (?, ?, ?, ?, ?) RETURNING created_at',
    );
    this.stampStmt = db.prepare<[{ u: string }], { stamp: string }>(
      `SELECT IFNULL((SELECT MAX(version) FROM rule_versions WHERE username = @u), 0)
        || '|' || IFNULL((SELECT MAX(version) FROM default_versions), 0)
        || '|' || IFNULL((SELECT disabled_defaults FROM users WHERE username = @u), '')
        || '|' || IFNULL((SELECT body FROM policy WHERE id = 1), '') AS stamp`,
    );
    // created_at is ISO 8601 UTC, so its first 10 characters are the day.
    this.pruneStmt = db.prepare<[{ u: string; upTo: number; days: number }]>(
      `DELETE FROM rule_versions WHERE username = @u AND version <= @upTo
        AND NOT (
          created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || @days || ' days')
          AND version IN (SELECT MAX(version) FROM rule_versions WHERE username = @u GROUP BY substr(created_at, 1, 10))
        )`,
    );
  }

  /** Every user's newest version number, in one query (for admin lists). */
  /** The user's newest version number (0: none), by the primary key alone. */
  latestVersion(username: string): number {
    return this.db.prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM rule_versions WHERE username = ?').get(username)?.v ?? 0;
  }

  latestVersions(): Map<string, number> {
    const rows = this.db.prepare<[], { username: string; v: number }>('SELECT username, MAX(version) AS v FROM rule_versions GROUP BY username').all();
    return new Map(rows.map((r) => [r.username, r.v]));
  }

  /**
   * Changes whenever anything a user's rules view shows changes: their newest
   * version, the admin defaults, their switched-off defaults, the policy. One
   * cheap query, so a cached view is safe even with several server processes.
   */
  viewStamp(username: string): string {
    return this.stampStmt.get({ u: username })!.stamp;
  }

  latest(username: string): RuleVersion | undefined {
    const r = this.latestStmt.get(username);
    return r && toVersion(r);
  }

  get(username: string, version: number): RuleVersion | undefined {
    const r = this.oneStmt.get(username, version);
    return r && toVersion(r);
  }

  history(username: string, page: HistoryPage = { limit: Number.MAX_SAFE_INTEGER }): HistoryEntry[] {
    return this.historyStmt.all(username, page.before ?? Number.MAX_SAFE_INTEGER, page.limit);
  }

  /**
   * Stores `ruleSet` as the next version, unless it equals the newest one
   * (then that one is returned, `added: false`). With `baseVersion`, a
   * change is refused when the newest stored version is a different one
   * (optimistic concurrency). Versions outside the retention are dropped in
   * the same transaction.
   */
  save(username: string, ruleSet: RuleSet, author: string, summary: string, baseVersion?: number): SavedVersion {
    return this.db.transaction((): SavedVersion => {
      const latest = this.latestStmt.get(username);
      // Compared in the current model version, so a save equal to a row stored by an older one adds none.
      const text = canonicalJson(toStored(ruleSet));
      if (latest && canonicalJson(toStored(fromStored(JSON.parse(latest.rule_set)))) === text) return { ...toVersion(latest), added: false };
      const current = latest?.version ?? 0;
      if (baseVersion !== undefined && baseVersion !== current) throw new VersionConflictError(current, baseVersion);
      const version = current + 1;
      const { created_at: createdAt } = this.insertStmt.get(username, version, text, author, summary)!;
      this.pruneStmt.run({ u: username, upTo: version - this.retention.keepLast, days: this.retention.keepDailyDays });
      return { username, version, ruleSet, author, summary, createdAt, added: true };
    }).immediate();
  }
}
