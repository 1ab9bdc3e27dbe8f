import { describe, expect, test } from 'vitest';
import { Outbox } from '../../../server/deploy/outbox.js';
import { RedeployJobs } from '../../../server/services/redeploy-jobs.js';
import { openDatabase } from '../../../server/store/db.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('RedeployJobs', () => {
  test('counts a user done only after the job queued them and their deploy finished; unqueueable users are failures', async () => {
    const outbox = new Outbox(openDatabase(':memory:'));
    const jobs = new RedeployJobs(outbox);
    const errors: unknown[] = [];
    const id = jobs.start(
      ['alice', 'bob', 'carol', 'dave'],
      (u) => {
        if (u === 'carol') return false;
        if (u === 'dave') throw new Error('boom');
        outbox.enqueue({ username: u, version: 1, sieve: 'keep;', prefs: '' });
        return true;
      },
      (e) => errors.push(e),
    );
    await tick();
    expect(jobs.progress(id)).toEqual({ done: 0, failed: 2, total: 4 });
    expect(errors).toHaveLength(1);
    const row = outbox.claim('test', 60_000)!;
    expect(outbox.complete(row.id, 'test', null)).toBe(true);
    expect(jobs.progress(id)).toEqual({ done: 1, failed: 2, total: 4 });
    expect(jobs.progress('unknown')).toBeUndefined();
  });

  test('a large job is queued in batches that let other work run in between', async () => {
    const outbox = new Outbox(openDatabase(':memory:'));
    const jobs = new RedeployJobs(outbox);
    const queued: string[] = [];
    const users = Array.from({ length: 1000 }, (_, i) => `u${i}`);
    const id = jobs.start(users, (u) => (queued.push(u), true), () => undefined);
    expect(queued.length).toBeLessThan(users.length);
    for (let i = 0; i < 20 && queued.length < users.length; i++) await tick();
    expect(queued).toEqual(users);
    expect(jobs.progress(id)!.total).toBe(1000);
  });
});
