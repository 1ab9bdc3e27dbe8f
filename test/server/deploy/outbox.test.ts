// Outbox and worker against SQLite, with an in-memory target standing in for
// the mail server (the real one is exercised in deploy.dovecot.test.ts).
import type { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Outbox } from '../../../server/deploy/outbox.js';
import { DeployError, type DeployJob, type DeployOutcome, type DeployTarget } from '../../../server/deploy/outcome.js';
import { DeployWorker } from '../../../server/deploy/worker.js';
import { openDatabase, type Db } from '../../../server/store/db.js';
import { allMigrations } from '../../../server/store/migrations/index.js';
import { UsersRepository } from '../../../server/store/users-repository.js';

/** Records deploys, holds each for `delayMs`, and fails as told. */
class RecordingTarget implements DeployTarget {
  readonly label = 'recording';
  deployed: DeployJob[] = [];
  running = new Map<string, number>();
  maxPerUser = 0;
  maxTotal = 0;
  failNext: Array<DeployError | 'foreign'> = [];
  /** Set: deploys succeed without a compiler to check them, for this reason. */
  unverified: string | null = null;
  /** Called as each deploy starts, while it is in flight. */
  onDeploy: (job: DeployJob) => void = () => {};

  constructor(private readonly delayMs = 5) {}

  async deploy(job: DeployJob): Promise<DeployOutcome> {
    this.running.set(job.username, (this.running.get(job.username) ?? 0) + 1);
    this.maxPerUser = Math.max(this.maxPerUser, this.running.get(job.username)!);
    this.maxTotal = Math.max(this.maxTotal, [...this.running.values()].reduce((a, b) => a + b, 0));
    this.onDeploy(job);
    try {
      await new Promise((r) => setTimeout(r, this.delayMs));
      const failure = this.failNext.shift();
      if (failure === 'foreign') return { status: 'foreign-active', activeScript: 'roundcube' };
      if (failure) throw failure;
      this.deployed.push(job);
      return this.unverified === null ? { status: 'deployed', scriptName: 'sw-a' } : { status: 'unverified', scriptName: 'sw-a', reason: this.unverified };
    } finally {
      this.running.set(job.username, this.running.get(job.username)! - 1);
    }
  }
}

let dir: string;
let db: Db;
const job = (username: string, version: number): DeployJob => ({ username, version, sieve: `# ${username} v${version}\n`, prefs: '' });
const fastRetry = { baseMs: 5, maxMs: 20 };

/** Resolves once `emitter` has emitted `event` `count` more times. */
function nextEvents(emitter: EventEmitter, event: string, count: number): Promise<void> {
  // One listener for all of them: several can be emitted in one turn (a batch of completions).
  return new Promise((resolve) => {
    let seen = 0;
    const listener = () => {
      if (++seen < count) return;
      emitter.off(event, listener);
      resolve();
    };
    emitter.on(event, listener);
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-outbox-'));
  db = openDatabase(join(dir, 'sw.db'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('outbox', () => {
  test('a user never deployed reads as never; an enqueued one as pending with its version', () => {
    const outbox = new Outbox(db);
    expect(outbox.status('alice')).toMatchObject({ state: 'never', deployedVersion: null, pendingVersion: null });
    outbox.enqueue(job('alice', 3));
    expect(outbox.status('alice')).toMatchObject({ state: 'pending', pendingVersion: 3, deployedVersion: null });
  });

  test('only the latest pending version of a user is delivered', async () => {
    const outbox = new Outbox(db);
    const target = new RecordingTarget();
    for (let v = 1; v <= 5; v++) outbox.enqueue(job('alice', v));
    outbox.enqueue(job('bob', 1));
    const worker = new DeployWorker(outbox, target, { concurrency: 4 });
    worker.start();
    await worker.drain();
    await worker.stop();
    expect(target.deployed.map((j) => `${j.username}@${j.version}`).sort()).toEqual(['alice@5', 'bob@1']);
    expect(outbox.status('alice')).toMatchObject({ state: 'deployed', deployedVersion: 5, pendingVersion: null, error: null });
    expect(outbox.statusAll().map((s) => s.username)).toEqual(['alice', 'bob']);
    // Finished and superseded rows are pruned once a newer version is live.
    expect(db.prepare('SELECT username, version, state FROM deploy_outbox ORDER BY id').all()).toEqual([
      { username: 'alice', version: 5, state: 'deployed' },
      { username: 'bob', version: 1, state: 'deployed' },
    ]);
  });

  test('concurrency is bounded and one user is never deployed twice at once', async () => {
    const outbox = new Outbox(db);
    const target = new RecordingTarget(15);
    const worker = new DeployWorker(outbox, target, { concurrency: 3 });
    worker.start();
    // New versions arrive while earlier ones of the same users are in flight.
    for (let round = 1; round <= 4; round++) {
      for (const u of ['a', 'b', 'c', 'd', 'e']) outbox.enqueue(job(u, round));
      await nextEvents(worker, 'progress', 1);
    }
    await worker.drain();
    await worker.stop();
    expect(target.maxPerUser).toBe(1);
    expect(target.maxTotal).toBeLessThanOrEqual(3);
    expect(outbox.statusAll().map((s) => [s.username, s.deployedVersion])).toEqual(['a', 'b', 'c', 'd', 'e'].map((u) => [u, 4]));
  });

  test('a transient failure is retried with backoff and the status shows why it is pending', async () => {
    // The clock stands still, so the retry waits until the test moves it.
    let now = 1_000_000;
    const outbox = new Outbox(db, { now: () => now });
    const target = new RecordingTarget();
    target.failNext = [new DeployError('mail server unreachable: connect ECONNREFUSED', 'unreachable', true)];
    const worker = new DeployWorker(outbox, target, { concurrency: 1, backoff: fastRetry });
    const failures: unknown[] = [];
    worker.on('failed', (f) => failures.push(f));
    outbox.enqueue(job('alice', 1));
    worker.start();
    await nextEvents(worker, 'failed', 1);
    expect(outbox.status('alice')).toMatchObject({ state: 'pending', pendingVersion: 1, errorCode: 'unreachable', error: expect.stringMatching(/ECONNREFUSED/) });
    expect(target.deployed).toEqual([]);
    now += fastRetry.maxMs;
    await worker.drain();
    await worker.stop();
    expect(failures).toEqual([expect.objectContaining({ username: 'alice', final: false, code: 'unreachable' })]);
    expect(outbox.status('alice')).toMatchObject({ state: 'deployed', deployedVersion: 1, error: null });
  });

  test('a rejected script is final at once, with its line and rule, keeping the deployed version', async () => {
    const outbox = new Outbox(db);
    const target = new RecordingTarget();
    const worker = new DeployWorker(outbox, target, { concurrency: 1, backoff: fastRetry });
    worker.start();
    outbox.enqueue(job('alice', 1));
    await worker.drain();
    target.failNext = [new DeployError("the server rejected the script: line 7: error: unknown test 'foo'", 'rejected', false, 7, { rule: 'From the boss' })];
    outbox.enqueue(job('alice', 2));
    await worker.drain();
    await worker.stop();
    expect(target.deployed.map((j) => j.version)).toEqual([1]);
    expect(outbox.status('alice')).toMatchObject({
      state: 'rejected',
      deployedVersion: 1,
      pendingVersion: null,
      errorLine: 7,
      errorCode: 'rejected',
      errorRule: 'From the boss',
      unverifiedReason: null,
    });
  });

  test('a script written without a compiler reads as unverified with the reason, until a checked one replaces it', async () => {
    const outbox = new Outbox(db);
    const target = new RecordingTarget();
    target.unverified = "the Sieve compiler 'sievec' is not installed (not found)";
    const worker = new DeployWorker(outbox, target, { concurrency: 1 });
    const events: unknown[] = [];
    worker.on('deployed', (e) => events.push(e));
    worker.start();
    outbox.enqueue(job('alice', 1));
    await worker.drain();
    expect(outbox.status('alice')).toMatchObject({ state: 'unverified', deployedVersion: 1, error: null, unverifiedReason: expect.stringMatching(/not installed/) });
    expect(outbox.statusAll()).toEqual([outbox.status('alice')]);
    target.failNext = [new DeployError('rejected', 'rejected', false, 3)];
    outbox.enqueue(job('alice', 2));
    await worker.drain();
    // The live version is still the unverified one; the latest attempt was refused.
    expect(outbox.status('alice')).toMatchObject({ state: 'rejected', deployedVersion: 1, unverifiedReason: expect.stringMatching(/not installed/) });
    target.unverified = null;
    outbox.enqueue(job('alice', 3));
    await worker.drain();
    await worker.stop();
    expect(outbox.status('alice')).toMatchObject({ state: 'deployed', deployedVersion: 3, error: null, errorRule: null, unverifiedReason: null });
    expect(events).toEqual([
      { username: 'alice', version: 1, verified: false },
      { username: 'alice', version: 3, verified: true },
    ]);
  });

  test('after the upgrade, scripts the directory target wrote unchecked read as unverified; ManageSieve ones stay deployed', () => {
    db.close();
    const path = join(dir, 'old.db');
    const old = openDatabase(path, allMigrations.filter((m) => m.version < 101 || m.version >= 200));
    const live = old.prepare("INSERT INTO deploy_current (username, version, target, deployed_at) VALUES (?, 3, ?, '2026-01-01T00:00:00.000Z')");
    live.run('alice', 'directory:/srv/mail/%u');
    live.run('bob', 'managesieve:mail.example.org:4190');
    old.close();
    db = openDatabase(path);
    const outbox = new Outbox(db);
    expect(outbox.status('alice')).toMatchObject({ state: 'unverified', deployedVersion: 3, unverifiedReason: expect.stringMatching(/before sievewright checked/) });
    expect(outbox.status('bob')).toMatchObject({ state: 'deployed', deployedVersion: 3, unverifiedReason: null });
  });

  test('after the upgrade, failures stored under the kebab-case codes read under their snake_case names', () => {
    db.close();
    const path = join(dir, 'old.db');
    const old = openDatabase(path, allMigrations.filter((m) => m.version < 102 || m.version >= 200));
    const failed = old.prepare(
      "INSERT INTO deploy_outbox (username, version, sieve, prefs, target, state, next_attempt_at, last_error, error_code) VALUES (?, 1, '', '', 'recording', 'failed', 0, 'refused', ?)",
    );
    failed.run('alice', 'foreign-active');
    failed.run('bob', 'invalid-user');
    failed.run('carol', 'rejected');
    old.close();
    db = openDatabase(path);
    const outbox = new Outbox(db);
    expect(outbox.status('alice')).toMatchObject({ state: 'failed', errorCode: 'foreign_active' });
    expect(outbox.status('bob')).toMatchObject({ state: 'failed', errorCode: 'invalid_user' });
    expect(outbox.status('carol')).toMatchObject({ state: 'rejected', errorCode: 'rejected' });
  });

  test('a foreign active script is a failed deploy with its own error code', async () => {
    const outbox = new Outbox(db);
    const target = new RecordingTarget();
    target.failNext = ['foreign'];
    const worker = new DeployWorker(outbox, target, { concurrency: 1 });
    worker.start();
    outbox.enqueue(job('alice', 1));
    await worker.drain();
    await worker.stop();
    expect(outbox.status('alice')).toMatchObject({ state: 'failed', errorCode: 'foreign_active', error: expect.stringMatching(/roundcube/) });
  });

  test("a claimed job carries the user's consent to replace a foreign script as stored when it is claimed", () => {
    const outbox = new Outbox(db);
    const users = new UsersRepository(db);
    users.ensure('alice');
    users.ensure('bob');
    outbox.enqueue(job('alice', 1));
    outbox.enqueue(job('bob', 1));
    // Given after queueing, before the worker picks the job up: it still counts.
    users.setReplaceConsent('alice', 'roundcube');
    const claimed = [outbox.claim('w', 60_000), outbox.claim('w', 60_000)];
    expect(claimed.map((j) => [j?.username, j?.replaceConsent])).toEqual([
      ['alice', 'roundcube'],
      ['bob', undefined],
    ]);
  });

  test('transient failures give up after maxAttempts', async () => {
    const outbox = new Outbox(db);
    const target = new RecordingTarget(1);
    target.failNext = Array.from({ length: 5 }, () => new DeployError('down', 'unreachable', true));
    const worker = new DeployWorker(outbox, target, { concurrency: 1, maxAttempts: 3, backoff: fastRetry });
    worker.start();
    outbox.enqueue(job('alice', 1));
    await worker.drain();
    await worker.stop();
    expect(outbox.status('alice')).toMatchObject({ state: 'failed', errorCode: 'unreachable' });
    expect(target.failNext).toHaveLength(2);
  });

  test('progress counts every finished row against the total', async () => {
    const outbox = new Outbox(db);
    const target = new RecordingTarget(1);
    target.failNext = [new DeployError('bad', 'rejected', false, 1)];
    for (let i = 0; i < 10; i++) outbox.enqueue(job(`u${i}`, 1));
    const worker = new DeployWorker(outbox, target, { concurrency: 2 });
    const events: Array<{ done: number; failed: number; total: number }> = [];
    worker.on('progress', (p) => events.push(p));
    worker.start();
    await worker.drain();
    await worker.stop();
    expect(events).toHaveLength(10);
    expect(events.every((e) => e.total === 10)).toBe(true);
    expect(events.at(-1)).toEqual({ done: 9, failed: 1, total: 10 });
  });

  test('rows claimed by a worker that died are delivered by a new worker once the lease runs out', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const first = new Outbox(db, { now: clock });
    for (let i = 0; i < 4; i++) first.enqueue(job(`u${i}`, 1));
    // A worker that claimed two rows and then crashed.
    expect(first.claim('dead-worker', 60_000)).not.toBeNull();
    expect(first.claim('dead-worker', 60_000)).not.toBeNull();

    const reopened = openDatabase(join(dir, 'sw.db'));
    const outbox = new Outbox(reopened, { now: clock });
    const target = new RecordingTarget(1);
    const worker = new DeployWorker(outbox, target, { concurrency: 2, leaseMs: 60_000, pollMs: 20 });
    worker.start();
    await nextEvents(worker, 'deployed', 2);
    expect(target.deployed.map((j) => j.username).sort()).toEqual(['u2', 'u3']);
    now += 61_000;
    await worker.drain();
    await worker.stop();
    expect(target.deployed.map((j) => j.username).sort()).toEqual(['u0', 'u1', 'u2', 'u3']);
    expect(outbox.statusAll().every((s) => s.state === 'deployed')).toBe(true);
    reopened.close();
  });

  test('a newer request supersedes a crashed running row instead of re-running it', async () => {
    let now = 1_000_000;
    const outbox = new Outbox(db, { now: () => now });
    outbox.enqueue(job('alice', 1));
    outbox.claim('dead-worker', 1_000);
    outbox.enqueue(job('alice', 2));
    now += 2_000;
    const target = new RecordingTarget(1);
    const worker = new DeployWorker(outbox, target, { concurrency: 2 });
    worker.start();
    await worker.drain();
    await worker.stop();
    expect(target.deployed.map((j) => j.version)).toEqual([2]);
  });
});

describe('outbox ordering', () => {
  test('an older version waiting for a retry is never deployed after a newer one', async () => {
    const outbox = new Outbox(db);
    const target = new RecordingTarget(20);
    target.failNext = [new DeployError('connection closed by the server', 'unreachable', true)];
    const worker = new DeployWorker(outbox, target, { concurrency: 2, backoff: { baseMs: 100, maxMs: 100 } });
    // Version 2 arrives while version 1 is failing and about to be put back for a retry.
    target.onDeploy = (j) => {
      if (j.version === 1) outbox.enqueue(job('alice', 2));
    };
    worker.start();
    outbox.enqueue(job('alice', 1));
    await worker.drain();
    await worker.stop();
    expect(target.deployed.map((j) => j.version)).toEqual([2]);
    expect(outbox.status('alice')).toMatchObject({ state: 'deployed', deployedVersion: 2 });
  });
});
