import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openDatabase, type Db } from '../../../server/store/db.js';
import { isoWeek, LearningRepository, type NewEvent } from '../../../server/store/learning-repository.js';
import { learningHealth, learningLog, weeklyCounts } from '../../../server/learning/service.js';

let db: Db;
let repo: LearningRepository;
beforeEach(() => {
  db = openDatabase(':memory:');
  repo = new LearningRepository(db);
});
afterEach(() => db.close());

const cursor = { uidValidity: 7, uidNext: 10, highestModseq: 2n ** 62n, messages: 3 };
const event = (uid: number, direction: 'spam' | 'ham', raw: Buffer | null = Buffer.from(`m${uid}`)): NewEvent => ({
  folder: 'Junk', uidValidity: 7, uid, messageId: `<${uid}@x>`, subject: `s${uid}`, sender: 'a@b', direction, reason: 'moved-in', sourceFolder: 'Junk', raw,
});
const commit = (events: NewEvent[]) => repo.commitPass({ username: 'alice', folder: 'Junk', cursor, upsert: [], remove: [], events });

describe('learning repository', () => {
  test('the cursor round-trips, including a modseq beyond JavaScript safe integers', () => {
    commit([]);
    expect(repo.getCursor('alice', 'Junk')).toEqual(cursor);
    expect(repo.getCursor('bob', 'Junk')).toBeNull();
  });

  test('recording the same intent twice (a replayed pass) creates it once', () => {
    expect(commit([event(1, 'spam'), event(1, 'ham')])).toBe(2);
    expect(commit([event(1, 'spam'), event(2, 'spam')])).toBe(1);
    expect(repo.pending('alice').map((p) => [p.raw.toString(), p.direction])).toEqual([['m1', 'spam'], ['m1', 'ham'], ['m2', 'spam']]);
  });

  test('learned intents leave the queue and drop their message copy; failures retry up to a limit', () => {
    commit([event(1, 'spam'), event(2, 'spam'), event(3, 'spam', null)]);
    repo.markLearned(1, 'learned');
    repo.markFailed(2, 'spamd down');
    expect(repo.pending('alice', 500, 2).map((p) => p.id)).toEqual([2]);
    repo.markFailed(2, 'spamd down');
    expect(repo.pending('alice', 500, 2)).toEqual([]);
    const log = learningLog(db, 'alice');
    expect(log.map((e) => [e.id, e.state, e.result, e.error, e.attempts])).toEqual([
      [3, 'skipped', null, null, 0],
      [2, 'failed', null, 'spamd down', 2],
      [1, 'done', 'learned', null, 1],
    ]);
    expect(learningHealth(db)).toEqual([{ username: 'alice', lastRun: null, lastError: 'spamd down', backlog: 1 }]);
  });

  test('health shows the last run and its error per user', () => {
    const r1 = repo.startRun('bob');
    repo.finishRun(r1, 'timeout', 0, 'run exceeded 5 s and was stopped');
    const h = learningHealth(db).find((x) => x.username === 'bob')!;
    expect(h.lastError).toBe('run exceeded 5 s and was stopped');
    expect(h.lastRun).toMatch(/^\d{4}-\d\d-\d\dT/);
    const r2 = repo.startRun('bob');
    repo.finishRun(r2, 'ok', 3, null);
    expect(learningHealth(db).find((x) => x.username === 'bob')!.lastError).toBeNull();
  });

  test('weekly counts group learned events by ISO week', () => {
    commit([event(1, 'spam'), event(2, 'spam'), event(3, 'ham')]);
    for (const id of [1, 2, 3]) repo.markLearned(id, 'learned');
    expect(weeklyCounts(db, 'alice')).toEqual([{ week: isoWeek(new Date()), spam: 2, ham: 1 }]);
    expect(weeklyCounts(db, 'nobody')).toEqual([]);
  });

  test('ISO weeks at year boundaries follow the Thursday rule', () => {
    expect(isoWeek(new Date('2026-01-01T12:00:00Z'))).toBe('2026-W01');
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2024-12-30T12:00:00Z'))).toBe('2025-W01');
  });

  test('a lease keeps a second runner out until released, expired, or its holder died', () => {
    expect(repo.acquireLease('alice', 'A', 60_000)).toBe(true);
    expect(repo.acquireLease('alice', 'B', 60_000)).toBe(false);
    repo.releaseLease('alice', 'A');
    expect(repo.acquireLease('alice', 'B', 60_000)).toBe(true);
    // Expired.
    expect(repo.acquireLease('alice', 'C', 60_000, Date.now() + 120_000)).toBe(true);
    // Held by a process that no longer exists on this host.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    db.prepare('UPDATE learning_leases SET pid = ? WHERE username = ?').run(dead, 'alice');
    expect(repo.acquireLease('alice', 'D', 60_000)).toBe(true);
  });

  test('the learning log limit is clamped to 1..1000', () => {
    commit([event(1, 'spam'), event(2, 'spam')]);
    expect(learningLog(db, 'alice', { limit: 0 })).toHaveLength(1);
    expect(learningLog(db, 'alice', { limit: 5000 })).toHaveLength(2);
  });
});
