// What one user's saves may cost the server: identical saves add no version,
// history is kept within the configured retention and read in pages, saves
// are rate limited per user, and a rule set has a size cap. Driven through
// the real app with a logged-in session.
import type { FastifyInstance } from 'fastify';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { printRules } from '../../../grammar/emit/rules-text.js';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { RulesRepository } from '../../../server/store/rules-repository.js';
import { addUser, Client, startApp } from './harness.js';

function ruleSet(tag: string, count = 1, padding = 0): RuleSet {
  const rs = emptyRuleSet();
  for (let i = 0; i < count; i++) {
    rs.rules.push({
      name: `${tag} ${i}`,
      enabled: true,
      combine: 'all',
      conditions: [{ kind: 'subject', test: { match: 'contains', values: [`${tag}-${i}${'x'.repeat(padding)}`] } }],
      actions: [{ kind: 'fileinto', folder: `Folder ${i}` }],
    });
  }
  return rs;
}

/** The same model with every object's keys written in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)])) as T;
  return value;
}

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function user(env: Record<string, string> = {}): Promise<{ alice: Client; app: FastifyInstance; dir: string }> {
  const started = await startApp({ worker: false, env });
  app = started.app;
  await addUser(app, 'alice', 'alice-pw');
  return { alice: await Client.login(app, 'alice', 'alice-pw'), app, dir: started.dir };
}

function versionCount(a: FastifyInstance, username: string): number {
  return a.ctx.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM rule_versions WHERE username = ?').get(username)!.n;
}

describe('identical saves', () => {
  test('saving the same rules again, as the model in any key order or as DSL text, adds no version, audit entry or deploy', async () => {
    const { alice, app: a } = await user();
    const rs = ruleSet('same', 3);
    const first = await alice.put('/api/rules', { ruleSet: rs });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(1);
    const audits = a.ctx.audit.list({ target: 'alice' }).length;
    const queued = a.ctx.outbox.status('alice');
    for (const body of [{ ruleSet: rs }, { ruleSet: reversedKeys(rs) }, { text: printRules(rs) }, { ruleSet: rs, baseVersion: 0 }]) {
      const res = await alice.put('/api/rules', body);
      expect(res.statusCode).toBe(200);
      expect(res.json().version).toBe(1);
    }
    expect(versionCount(a, 'alice')).toBe(1);
    expect(a.ctx.audit.list({ target: 'alice' })).toHaveLength(audits);
    expect(a.ctx.outbox.status('alice')).toEqual(queued);
    // A change is still a new version.
    expect((await alice.put('/api/rules', { ruleSet: ruleSet('changed', 3) })).json().version).toBe(2);
    // Restoring a version equal to the newest one adds nothing either.
    expect((await alice.post('/api/rules/history/2/restore')).json().version).toBe(2);
    expect(versionCount(a, 'alice')).toBe(2);
  });

  test('ten identical saves of a large rule set leave the database file about the size of one copy', async () => {
    const { alice, app: a, dir } = await user({ SIEVEWRIGHT_RULES__SAVES_PER_MINUTE: '100' });
    const big = ruleSet('large', 200, 5000);
    const bytes = Buffer.byteLength(JSON.stringify(big));
    expect((await alice.put('/api/rules', { ruleSet: big })).statusCode).toBe(200);
    a.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    const afterOne = statSync(join(dir, 'sievewright.db')).size;
    for (let i = 0; i < 10; i++) expect((await alice.put('/api/rules', { ruleSet: big })).statusCode).toBe(200);
    a.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(versionCount(a, 'alice')).toBe(1);
    expect(statSync(join(dir, 'sievewright.db')).size - afterOne).toBeLessThan(bytes / 2);
  });
});

describe('history retention', () => {
  test('the newest keepLast versions stay, and older ones only as the last version of a day within keepDailyDays', async () => {
    const { app: a } = await user({ SIEVEWRIGHT_RULES__HISTORY__KEEP_LAST: '3', SIEVEWRIGHT_RULES__HISTORY__KEEP_DAILY_DAYS: '5' });
    a.ctx.users.ensure('alice');
    // Written without pruning, so the backdating below decides what stays.
    const unpruned = new RulesRepository(a.ctx.db, { keepLast: 100, keepDailyDays: 100 });
    for (let v = 1; v <= 6; v++) unpruned.save('alice', ruleSet(`v${v}`), 'alice', `v${v}`);
    // Backdate: v1 is outside the daily window, v2 and v3 share a day two
    // days ago, v4 is alone a day ago; v5 and v6 are today.
    const at = a.ctx.db.prepare<[string, number]>("UPDATE rule_versions SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) WHERE username = 'alice' AND version = ?");
    at.run('-10 days', 1);
    at.run('-2 days', 2);
    at.run('-2 days', 3);
    at.run('-1 days', 4);
    a.ctx.rules.save('alice', ruleSet('v7'), 'alice', 'v7');
    // Kept: the last three (5, 6, 7) and each older day's last version (3, 4).
    expect(a.ctx.rules.history('alice').map((h) => h.version)).toEqual([7, 6, 5, 4, 3]);
    a.ctx.rules.save('alice', ruleSet('v8'), 'alice', 'v8');
    // v5 leaves the last three and is not its day's last version (v8 is), so it goes.
    expect(a.ctx.rules.history('alice').map((h) => h.version)).toEqual([8, 7, 6, 4, 3]);
    expect(a.ctx.rules.get('alice', 5)).toBeUndefined();
  });

  test('with the default retention, history never holds more than 200 versions from one day', async () => {
    const { app: a } = await user();
    a.ctx.users.ensure('alice');
    for (let v = 1; v <= 230; v++) a.ctx.rules.save('alice', ruleSet(`v${v}`), 'alice', `v${v}`);
    expect(versionCount(a, 'alice')).toBe(200);
    expect(a.ctx.rules.latest('alice')!.version).toBe(230);
    expect(a.ctx.rules.get('alice', 31)).toBeDefined();
    expect(a.ctx.rules.get('alice', 30)).toBeUndefined();
  });
});

describe('history pages', () => {
  test('50 entries by default, newest first; before= pages back; limit= up to 200', async () => {
    const { alice, app: a } = await user();
    a.ctx.users.ensure('alice');
    for (let v = 1; v <= 120; v++) a.ctx.rules.save('alice', ruleSet(`v${v}`), 'alice', `v${v}`);
    const first = (await alice.get('/api/rules/history')).json() as Array<{ version: number }>;
    expect(first.map((h) => h.version)).toEqual(Array.from({ length: 50 }, (_, i) => 120 - i));
    const next = (await alice.get('/api/rules/history?before=71')).json() as Array<{ version: number }>;
    expect(next.map((h) => h.version)).toEqual(Array.from({ length: 50 }, (_, i) => 70 - i));
    const last = (await alice.get('/api/rules/history?before=21&limit=200')).json() as Array<{ version: number }>;
    expect(last.map((h) => h.version)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
    expect((await alice.get('/api/rules/history?limit=3')).json().map((h: { version: number }) => h.version)).toEqual([120, 119, 118]);
  });

  test.each([
    ['limit above 200', 'limit=201', '/limit'],
    ['limit zero', 'limit=0', '/limit'],
    ['before not a number', 'before=abc', '/before'],
    ['an unknown parameter', 'page=2', '/'],
  ])('%s is a 400 naming the parameter', async (_what, query, path) => {
    const { alice } = await user();
    const res = await alice.get(`/api/rules/history?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(res.json().error.details.issues[0].path).toBe(path);
  });
});

describe('save rate limit', () => {
  test('past savesPerMinute attempts a user\'s saves and restores are 429 rate_limited with Retry-After; other users are not affected', async () => {
    const { alice, app: a } = await user({ SIEVEWRIGHT_RULES__SAVES_PER_MINUTE: '3' });
    await addUser(a, 'bob', 'bob-pw');
    const bob = await Client.login(a, 'bob', 'bob-pw');
    for (let i = 0; i < 2; i++) expect((await alice.put('/api/rules', { ruleSet: ruleSet(`r${i}`) })).statusCode).toBe(200);
    // A refused attempt counts too: it is counted before its body is read.
    expect((await alice.request('PUT', '/api/rules', '{"ruleSet":', { 'content-type': 'application/json' })).statusCode).toBe(400);
    for (const res of [await alice.put('/api/rules', { ruleSet: ruleSet('over') }), await alice.post('/api/rules/history/1/restore')]) {
      expect(res.statusCode).toBe(429);
      expect(res.json().error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    expect(a.ctx.rules.latest('alice')!.version).toBe(2);
    expect((await bob.put('/api/rules', { ruleSet: ruleSet('bob') })).statusCode).toBe(200);
    // Reading is not limited.
    expect((await alice.get('/api/rules')).statusCode).toBe(200);
  });
});

describe('size cap', () => {
  test('a rule set over maxBytes of JSON is a 413 rules_too_large saying both sizes, and nothing is stored', async () => {
    const { alice, app: a } = await user({ SIEVEWRIGHT_RULES__MAX_BYTES: '20000' });
    expect((await alice.put('/api/rules', { ruleSet: ruleSet('fits', 10) })).statusCode).toBe(200);
    const big = ruleSet('big', 200);
    const bytes = Buffer.byteLength(JSON.stringify(big));
    for (const body of [{ ruleSet: big }, { text: printRules(big) }]) {
      const res = await alice.put('/api/rules', body);
      expect(res.statusCode).toBe(413);
      expect(res.json().error).toMatchObject({ code: 'rules_too_large', details: { bytes, maxBytes: 20000 } });
      expect(res.json().error.message).toContain(`${bytes} bytes`);
    }
    expect(a.ctx.rules.latest('alice')!.version).toBe(1);
  });
});
