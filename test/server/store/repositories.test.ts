import { describe, expect, test } from 'vitest';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { MODEL_VERSION, ModelVersionError } from '../../../grammar/model-migrate.js';
import { AuditRepository } from '../../../server/store/audit-repository.js';
import { openDatabase } from '../../../server/store/db.js';
import { DefaultsRepository } from '../../../server/store/defaults-repository.js';
import { RulesRepository, VersionConflictError } from '../../../server/store/rules-repository.js';
import { SessionsRepository } from '../../../server/store/sessions-repository.js';
import { UsersRepository } from '../../../server/store/users-repository.js';
import { DEFAULT_POLICY } from '../../../grammar/policy.js';

function withRules(n: number): RuleSet {
  const rs = emptyRuleSet();
  for (let i = 0; i < n; i++) rs.rules.push({ name: `r${i}`, enabled: true, combine: 'all', conditions: [{ kind: 'always' }], actions: [{ kind: 'keep' }] });
  return rs;
}

describe('store', () => {
  test('a fresh database gets WAL, foreign keys and the core tables', () => {
    const db = openDatabase(':memory:');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => (r as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['users', 'rule_versions', 'default_versions', 'policy', 'sessions', 'audit_log']));
  });

  test('every save is a new version and history lists them newest first', () => {
    const db = openDatabase(':memory:');
    const users = new UsersRepository(db);
    const rules = new RulesRepository(db);
    users.ensure('alice');
    rules.save('alice', withRules(1), 'alice', 'one');
    rules.save('alice', withRules(2), 'alice', 'two');
    expect(rules.latest('alice')?.version).toBe(2);
    expect(rules.latest('alice')?.ruleSet.rules).toHaveLength(2);
    expect(rules.get('alice', 1)?.ruleSet.rules).toHaveLength(1);
    expect(rules.history('alice').map((h) => [h.version, h.summary])).toEqual([[2, 'two'], [1, 'one']]);
  });

  test('saving on top of an old version is refused as a conflict', () => {
    const db = openDatabase(':memory:');
    new UsersRepository(db).ensure('alice');
    const rules = new RulesRepository(db);
    rules.save('alice', withRules(1), 'alice', 'one', 0);
    expect(() => rules.save('alice', withRules(2), 'alice', 'stale', 0)).toThrow(VersionConflictError);
    expect(rules.latest('alice')?.version).toBe(1);
  });

  test('rule versions cannot exist for an unknown user (foreign key)', () => {
    const db = openDatabase(':memory:');
    expect(() => new RulesRepository(db).save('ghost', withRules(1), 'ghost', 'x')).toThrow(/FOREIGN KEY/);
  });

  test('users of one account never see another account\'s history', () => {
    const db = openDatabase(':memory:');
    const users = new UsersRepository(db);
    const rules = new RulesRepository(db);
    users.ensure('alice');
    users.ensure('bob');
    rules.save('alice', withRules(3), 'alice', 'a');
    expect(rules.latest('bob')).toBeUndefined();
    expect(rules.history('bob')).toEqual([]);
    expect(rules.get('bob', 1)).toBeUndefined();
  });

  test('expired sessions are not returned and are deleted', () => {
    const db = openDatabase(':memory:');
    const s = new SessionsRepository(db);
    s.set('a', '{"user":{"username":"alice"}}', 1_000);
    s.set('b', '{"user":{"username":"bob"}}', 5_000);
    expect(s.get('a', 2_000)).toBeUndefined();
    expect(s.get('b', 2_000)).toContain('bob');
    expect(s.purgeExpired(10_000)).toBe(1);
    s.set('c', '{"user":{"username":"carol"}}', 50_000);
    expect(s.destroyForUser('carol')).toBe(1);
  });

  test('audit entries come back newest first and alerts can be filtered', () => {
    const db = openDatabase(':memory:');
    const audit = new AuditRepository(db);
    audit.append({ actor: 'alice', action: 'rules.save', target: 'alice', details: { version: 1 } });
    audit.append({ actor: 'alice', action: 'rules.redirect-outside', target: 'alice', details: { address: 'x@evil.example' }, alert: true });
    expect(audit.list().map((e) => e.action)).toEqual(['rules.redirect-outside', 'rules.save']);
    expect(audit.list({ alertsOnly: true })).toHaveLength(1);
    expect(audit.list({ alertsOnly: true })[0]).toMatchObject({ alert: true, details: { address: 'x@evil.example' } });
  });

  test('policy falls back to the default until set, defaults are versioned with their text', () => {
    const db = openDatabase(':memory:');
    const d = new DefaultsRepository(db);
    expect(d.policy(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
    d.setPolicy({ ...DEFAULT_POLICY, maxRules: 3 });
    expect(d.policy(DEFAULT_POLICY).maxRules).toBe(3);
    d.save(withRules(1), '# one', 'admin');
    d.save(withRules(2), '# two', 'admin');
    expect(d.latest()).toMatchObject({ version: 2, text: '# two', author: 'admin' });
  });

  test('rule sets are stored with their model version; a row stored without one is read through the migration', () => {
    const db = openDatabase(':memory:');
    new UsersRepository(db).ensure('alice');
    const rules = new RulesRepository(db);
    const defaults = new DefaultsRepository(db);
    rules.save('alice', withRules(1), 'alice', 'current');
    defaults.save(withRules(1), '# current', 'admin');
    const stored = (table: string): unknown => JSON.parse(db.prepare<[], { rule_set: string }>(`SELECT rule_set FROM ${table} ORDER BY version DESC LIMIT 1`).get()!.rule_set);
    expect(stored('rule_versions')).toMatchObject({ modelVersion: MODEL_VERSION });
    expect(stored('default_versions')).toMatchObject({ modelVersion: MODEL_VERSION });

    const legacy = JSON.stringify(withRules(2));
    db.prepare("INSERT INTO rule_versions (username, version, rule_set, author, summary) VALUES ('alice', 2, ?, 'alice', 'legacy')").run(legacy);
    db.prepare("INSERT INTO default_versions (version, rule_set, text, author) VALUES (2, ?, '# legacy', 'admin')").run(legacy);
    expect(rules.latest('alice')?.ruleSet).toEqual(withRules(2));
    expect(defaults.latest()?.ruleSet).toEqual(withRules(2));
    // Equal to the legacy row once both are in the current version: no new version.
    expect(rules.save('alice', withRules(2), 'alice', 'same').added).toBe(false);
  });

  test('a row from a newer model version is refused, not misread', () => {
    const db = openDatabase(':memory:');
    new UsersRepository(db).ensure('alice');
    db.prepare("INSERT INTO rule_versions (username, version, rule_set, author, summary) VALUES ('alice', 1, ?, 'alice', 'future')").run(
      JSON.stringify({ ...withRules(1), modelVersion: MODEL_VERSION + 1 }),
    );
    expect(() => new RulesRepository(db).latest('alice')).toThrow(ModelVersionError);
  });
});
