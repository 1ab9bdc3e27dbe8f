import { describe, expect, test } from 'vitest';
import { Outbox, type QueuedJob } from '../../../server/deploy/outbox.js';
import { RedeployJobs } from '../../../server/services/redeploy-jobs.js';
import { openDatabase } from '../../../server/store/db.js';

const tick = () => new Promise((r) => setImmediate(r));
const deploy = (username: string, version = 1): QueuedJob => ({ username, version, sieve: 'keep;', prefs: '' });

describe('RedeployJobs', () => {
  test('counts a user done only after the job queued them and their deploy finished; unqueueable users are failures', async () => {
    const outbox = new Outbox(openDatabase(':memory:'));
    const jobs = new RedeployJobs(outbox);
    const errors: unknown[] = [];
    const id = jobs.start(
      ['alice', 'bob', 'carol', 'dave'],
      (u) => {
        if (u === 'carol') return null;
        if (u === 'dave') throw new Error('boom');
        return deploy(u);
      },
      (e) => errors.push(e),
    );
    await tick();
    expect(jobs.progress(id)).toEqual({ done: 0, failed: 2, total: 4 });
    expect(errors).toHaveLength(1);
    const row = outbox.claim('test', 60_000)!;
    expect(outbox.complete(row.id, 'test', null)).toBe(true);
    expect(jobs.progress(id)).toEqual({ done: 1, failed: 2, total: 4 });
    const second = outbox.claim('test', 60_000)!;
    outbox.fail(second.id, 'test', { message: 'refused', code: 'rejected', line: null, rule: null });
    expect(jobs.progress(id)).toEqual({ done: 1, failed: 3, total: 4 });
    expect(jobs.progress('unknown')).toBeUndefined();
  });

  test('a deploy under way before the job does not count for it; a newer one of the user that supersedes the job\'s does', async () => {
    const outbox = new Outbox(openDatabase(':memory:'));
    const jobs = new RedeployJobs(outbox);
    outbox.enqueue(deploy('alice'));
    const before = outbox.claim('test', 60_000)!;
    const id = jobs.start(['alice', 'bob'], (u) => deploy(u), () => undefined);
    await tick();
    expect(outbox.complete(before.id, 'test', null)).toBe(true);
    expect(jobs.progress(id)).toEqual({ done: 0, failed: 0, total: 2 });
    outbox.enqueue(deploy('bob', 2));
    const changes: number[] = [];
    const unsubscribe = jobs.subscribe(id, () => changes.push(jobs.progress(id)!.done));
    for (let row = outbox.claim('test', 60_000); row; row = outbox.claim('test', 60_000)) outbox.complete(row.id, 'test', null);
    unsubscribe();
    expect(jobs.progress(id)).toEqual({ done: 2, failed: 0, total: 2 });
    expect(changes).toEqual([1, 2]);
  });

  test('a large job is queued in slices that let other work run in between', async () => {
    const outbox = new Outbox(openDatabase(':memory:'));
    const jobs = new RedeployJobs(outbox, { sliceMs: 1 });
    const queued: string[] = [];
    const users = Array.from({ length: 1000 }, (_, i) => `u${i}`);
    const slowly = (u: string) => {
      const until = performance.now() + 0.05;
      while (performance.now() < until);
      queued.push(u);
      return deploy(u);
    };
    const id = jobs.start(users, slowly, () => undefined);
    expect(queued.length).toBeLessThan(users.length);
    let turns = 0;
    while (queued.length < users.length && turns < 10_000) {
      await tick();
      turns++;
    }
    expect(turns).toBeGreaterThan(1);
    expect(queued).toEqual(users);
    expect(outbox.outstanding()).toBe(1000);
    expect(jobs.progress(id)!.total).toBe(1000);
  });

  test('queueing runs at most `lead` users ahead of finished deploys, and goes on when deploys stall', async () => {
    const outbox = new Outbox(openDatabase(':memory:'));
    const jobs = new RedeployJobs(outbox, { lead: 10, stallMs: 50 });
    const users = Array.from({ length: 30 }, (_, i) => `u${i}`);
    jobs.start(users, (u) => deploy(u), () => undefined);
    for (let i = 0; i < 5; i++) await tick();
    expect(outbox.outstanding()).toBe(10);
    for (let i = 0; i < 3; i++) outbox.complete(outbox.claim('test', 60_000)!.id, 'test', null);
    for (let i = 0; i < 5; i++) await tick();
    expect(outbox.outstanding()).toBe(10);
    // Nothing finishes any more (the mail server is down): the rest is still queued, a lead per stall.
    await new Promise((r) => setTimeout(r, 300));
    expect(outbox.outstanding()).toBe(27);
  });
});
