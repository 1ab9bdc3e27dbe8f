// The admin's defaults (versioned like user rule sets, kept with their DSL
// text so the admin's comments and layout survive; the rule set with its
// model version, like users' rules) and the policy row.
import type { RuleSet } from '../../grammar/model.js';
import { fromStored, toStored } from '../../grammar/model-migrate.js';
import type { Policy } from '../../grammar/policy.js';
import type { Db } from './db.js';

export interface DefaultsVersion {
  version: number;
  ruleSet: RuleSet;
  text: string;
  author: string;
  createdAt: string;
}

interface Row {
  version: number;
  rule_set: string;
  text: string;
  author: string;
  created_at: string;
}

export class DefaultsRepository {
  private readonly latestStmt;
  private readonly policyStmt;
  private readonly versionStmt;

  constructor(private readonly db: Db) {
    this.latestStmt = db.prepare<[], Row>('SELECT * FROM default_versions ORDER BY version DESC LIMIT 1');
    this.policyStmt = db.prepare<[], { body: string }>('SELECT body FROM policy WHERE id = 1');
    this.versionStmt = db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM default_versions');
  }

  /** 0 when the admin never saved defaults. */
  latestVersion(): number {
    return this.versionStmt.get()?.v ?? 0;
  }

  latest(): DefaultsVersion | undefined {
    const r = this.latestStmt.get();
    return r && { version: r.version, ruleSet: fromStored(JSON.parse(r.rule_set)), text: r.text, author: r.author, createdAt: r.created_at };
  }

  save(ruleSet: RuleSet, text: string, author: string): DefaultsVersion {
    return this.db.transaction(() => {
      const current = this.latestVersion();
      this.db
        .prepare('INSERT INTO default_versions (version, rule_set, text, author) VALUES (?, ?, ?, ?)')
        .run(current + 1, JSON.stringify(toStored(ruleSet)), text, author);
      return this.latest()!;
    }).immediate();
  }

  policy(fallback: Policy): Policy {
    const r = this.policyStmt.get();
    return r ? { ...fallback, ...(JSON.parse(r.body) as Partial<Policy>) } : fallback;
  }

  setPolicy(policy: Policy): void {
    this.db
      .prepare(
        "INSERT INTO policy (id, body) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')",
      )
      .run(JSON.stringify(policy));
  }
}
