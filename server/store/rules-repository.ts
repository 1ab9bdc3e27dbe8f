// A user's rule set with its full history: every save is a new version;
// restoring an old version saves it again as the newest one, so history only
// ever grows and an audit can follow every step.
import type { RuleSet } from '../../grammar/model.js';
import type { Db } from './db.js';

export interface RuleVersion {
  username: string;
  version: number;
  ruleSet: RuleSet;
  author: string;
  summary: string;
  createdAt: string;
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
    ruleSet: JSON.parse(r.rule_set) as RuleSet,
    author: r.author,
    summary: r.summary,
    createdAt: r.created_at,
  };
}

export class RulesRepository {
  private readonly latestStmt;
  private readonly oneStmt;
  private readonly historyStmt;
  private readonly maxStmt;
  private readonly insertStmt;
  private readonly stampStmt;

  constructor(private readonly db: Db) {
    this.latestStmt = db.prepare<[string], Row>('SELECT * FROM rule_versions WHERE username = ? ORDER BY version DESC LIMIT 1');
    this.oneStmt = db.prepare<[string, number], Row>('SELECT * FROM rule_versions WHERE username = ? AND version = ?');
    this.historyStmt = db.prepare<[string], HistoryEntry>(
      'SELECT version, created_at AS createdAt, author, summary FROM rule_versions WHERE username = ? ORDER BY version DESC',
    );
    this.maxStmt = db.prepare<[string], { v: number | null }>('SELECT MAX(version) AS v FROM rule_versions WHERE username = ?');
    this.insertStmt = db.prepare<[string, number, string, string, string], Row>(
      'INSERT INTO rule_versions (username, version, rule_set, author, summary) VALUES (?, ?, ?, ?, ?) RETURNING *',
    );
    this.stampStmt = db.prepare<[{ u: string }], { stamp: string }>(
      `SELECT IFNULL((SELECT MAX(version) FROM rule_versions WHERE username = @u), 0)
        || '|' || IFNULL((SELECT MAX(version) FROM default_versions), 0)
        || '|' || IFNULL((SELECT disabled_defaults FROM users WHERE username = @u), '')
        || '|' || IFNULL((SELECT body FROM policy WHERE id = 1), '') AS stamp`,
    );
  }

  /** Every user's newest version number, in one query (for admin lists). */
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

  history(username: string): HistoryEntry[] {
    return this.historyStmt.all(username);
  }

  /**
   * Stores `ruleSet` as the next version. With `baseVersion`, refuses when the
   * newest stored version is a different one (optimistic concurrency).
   */
  save(username: string, ruleSet: RuleSet, author: string, summary: string, baseVersion?: number): RuleVersion {
    return this.db.transaction(() => {
      const current = this.maxStmt.get(username)?.v ?? 0;
      if (baseVersion !== undefined && baseVersion !== current) throw new VersionConflictError(current, baseVersion);
      return toVersion(this.insertStmt.get(username, current + 1, JSON.stringify(ruleSet), author, summary)!);
    }).immediate();
  }
}
