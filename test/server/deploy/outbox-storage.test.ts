// How the outbox stores its rows: each text once by content, counters per
// state kept as rows change, delivered rows pruned after the retention, and
// rows of the schema before texts moved out carried over.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { Outbox } from '../../../server/deploy/outbox.js';
import { openDatabase, type Db } from '../../../server/store/db.js';
import { allMigrations } from '../../../server/store/migrations/index.js';

let dir: string;
let db: Db;
let clock: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-outbox-store-'));
  db = openDatabase(join(dir, 'sw.db'));
  // Rows are stamped with SQLite's clock: the test clock starts at the real time and moves ahead of it.
  clock = Date.now();
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const blobs = () => (db.prepare('SELECT COUNT(*) AS n FROM deploy_blobs').get() as { n: number }).n;
const counted = () => Object.fromEntries((db.prepare('SELECT state, n FROM deploy_counts').all() as Array<{ state: string; n: number }>).map((r) => [r.state, r.n]));
const actual = () => {
  const out: Record<string, number> = { pending: 0, running: 0, deployed: 0, failed: 0, superseded: 0 };
  for (const r of db.prepare('SELECT state, COUNT(*) AS n FROM deploy_outbox GROUP BY state').all() as Array<{ state: string; n: number }>) out[r.state] = r.n;
  return out;
};

test('a text shared by many users is stored once, and a claimed job carries it back', () => {
  const outbox = new Outbox(db);
  const shared = `require "fileinto";\n${'# the admin default\n'.repeat(200)}`;
  outbox.enqueueAll(['alice', 'bob', 'carol'].map((u) => ({ username: u, version: 1, sieve: shared, prefs: 'required_score 5\n' })));
  outbox.enqueue({ username: 'dave', version: 1, sieve: 'keep;\n', prefs: 'required_score 5\n' });
  expect(blobs()).toBe(3);
  const jobs = [outbox.claim('w', 60_000), outbox.claim('w', 60_000), outbox.claim('w', 60_000), outbox.claim('w', 60_000)];
  expect(jobs.map((j) => [j?.username, j?.sieve, j?.prefs])).toEqual([
    ['alice', shared, 'required_score 5\n'],
    ['bob', shared, 'required_score 5\n'],
    ['carol', shared, 'required_score 5\n'],
    ['dave', 'keep;\n', 'required_score 5\n'],
  ]);
});

test('the counters per state follow every insert, supersede, claim, completion, failure and prune', () => {
  const outbox = new Outbox(db, { now: () => clock, retentionMs: 60_000 });
  outbox.enqueueAll(['a', 'b', 'c'].map((u) => ({ username: u, version: 1, sieve: `# ${u}\n`, prefs: '' })));
  outbox.enqueue({ username: 'a', version: 2, sieve: '# a2\n', prefs: '' });
  expect(counted()).toEqual(actual());
  expect(outbox.outstanding()).toBe(3);
  const first = outbox.claim('w', 60_000)!;
  const second = outbox.claim('w', 60_000)!;
  expect(counted()).toEqual(actual());
  expect(outbox.complete(first.id, 'w', null)).toBe(true);
  outbox.fail(second.id, 'w', { message: 'no', code: 'rejected', line: 1, rule: null });
  expect(counted()).toEqual(actual());
  expect(outbox.outstanding()).toBe(1);
  clock += 120_000;
  expect(outbox.prune()).toBeGreaterThan(0);
  expect(counted()).toEqual(actual());
});

test('pruning removes delivered rows past the retention with the texts only they used; the status stays deployed', () => {
  const outbox = new Outbox(db, { now: () => clock, retentionMs: 60_000 });
  outbox.enqueue({ username: 'alice', version: 1, sieve: '# alice only\n', prefs: 'shared prefs\n' });
  outbox.enqueue({ username: 'bob', version: 1, sieve: '# bob only\n', prefs: 'shared prefs\n' });
  const a = outbox.claim('w', 60_000)!;
  outbox.complete(a.id, 'w', null);
  expect(outbox.prune()).toBe(0);
  expect(blobs()).toBe(3);
  clock += 61_000;
  expect(outbox.prune()).toBe(1);
  expect(blobs()).toBe(2);
  expect(outbox.status('alice')).toMatchObject({ state: 'deployed', deployedVersion: 1, updatedAt: expect.any(String) });
  expect(outbox.status('bob')).toMatchObject({ state: 'pending', pendingVersion: 1 });
  expect(outbox.claim('w', 60_000)).toMatchObject({ username: 'bob', sieve: '# bob only\n', prefs: 'shared prefs\n' });
});

test('the upgrade moves the texts of existing rows out, shares equal ones, and keeps every row and its state', () => {
  db.close();
  const path = join(dir, 'old.db');
  const old = openDatabase(path, allMigrations.filter((m) => m.version < 103 || m.version >= 200));
  const insert = old.prepare("INSERT INTO deploy_outbox (username, version, sieve, prefs, target, state, next_attempt_at, last_error, error_code) VALUES (?, ?, ?, 'prefs', 'directory:/m', ?, 0, ?, ?)");
  insert.run('alice', 1, '# same\n', 'deployed', null, null);
  insert.run('bob', 2, '# same\n', 'pending', null, null);
  insert.run('carol', 3, '# carol\n', 'failed', 'refused', 'rejected');
  old.close();
  db = openDatabase(path);
  expect(blobs()).toBe(3);
  expect(counted()).toEqual(actual());
  expect(actual()).toMatchObject({ deployed: 1, pending: 1, failed: 1 });
  const outbox = new Outbox(db);
  expect(outbox.status('carol')).toMatchObject({ state: 'rejected', error: 'refused' });
  expect(outbox.claim('w', 60_000)).toMatchObject({ username: 'bob', version: 2, sieve: '# same\n', prefs: 'prefs' });
});
