// The store side of IMAPSieve learning and of scale: moves recorded once per
// change of direction, spamd outages kept pending without using up retries,
// spool files parsed strictly, run records pruned by age and count, the
// migration that makes room for UID-less events keeping existing rows, and
// a round over many users reaching each exactly once.
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LearnerError, type Learner } from '../../../server/learning/learner.js';
import { decodeHeader, summarize } from '../../../server/learning/message-summary.js';
import { learnBacklog, LearningRunner } from '../../../server/learning/runner.js';
import { ingestSpool, parseSpoolFile } from '../../../server/learning/spool.js';
import { migrate, openDatabase, type Db } from '../../../server/store/db.js';
import { LearningRepository, type MoveEvent } from '../../../server/store/learning-repository.js';
import { allMigrations } from '../../../server/store/migrations/index.js';

let db: Db;
let repo: LearningRepository;
beforeEach(() => {
  db = openDatabase(':memory:');
  repo = new LearningRepository(db);
});
afterEach(() => db.close());

const msg = (n: number) => Buffer.from(`From: "S" <s${n}@example.net>\r\nSubject: m${n}\r\nMessage-ID: <${n}@x>\r\n\r\nbody ${n}\r\n`);
const move = (n: number, direction: 'spam' | 'ham', username = 'alice'): MoveEvent => {
  const raw = msg(n);
  return { username, folder: 'Junk', sourceFolder: direction === 'spam' ? 'Junk' : 'INBOX', direction, reason: direction === 'spam' ? 'moved-in' : 'moved-out', digest: summarize(raw).digest, messageId: `<${n}@x>`, subject: `m${n}`, sender: `s${n}@example.net`, raw };
};

describe('moves recorded from IMAPSieve', () => {
  test('a move is new only when it changes what the message last taught the user', () => {
    expect(repo.recordMove(move(1, 'spam'))).not.toBeNull();
    expect(repo.recordMove(move(1, 'spam'))).toBeNull(); // a second copy into Junk, or a replayed spool file
    expect(repo.recordMove(move(1, 'spam', 'bob'))).not.toBeNull(); // another user's mailbox
    expect(repo.recordMove(move(1, 'ham'))).not.toBeNull(); // out again
    expect(repo.recordMove(move(1, 'ham'))).toBeNull();
    expect(repo.recordMove(move(1, 'spam'))).not.toBeNull(); // and back in: the user changed their mind
    expect(repo.log('alice', 10).reverse().map((e) => [e.direction, e.reason, e.sourceFolder, e.state, e.uid])).toEqual([
      ['spam', 'moved-in', 'Junk', 'pending', null],
      ['ham', 'moved-out', 'INBOX', 'pending', null],
      ['spam', 'moved-in', 'Junk', 'pending', null],
    ]);
  });

  test('spamd unreachable leaves the move pending without using up an attempt; a refusal counts', async () => {
    repo.recordMove(move(1, 'spam'));
    repo.recordMove(move(2, 'spam'));
    const down: Learner = { name: 'spamd', learn: () => Promise.reject(new LearnerError('spamd at 127.0.0.1:1 is not reachable', 'unavailable')) };
    for (let i = 0; i < 7; i++) expect(await learnBacklog(repo, down, 'alice', AbortSignal.timeout(5000))).toEqual({ learned: 0, failed: 0, error: 'spamd at 127.0.0.1:1 is not reachable' });
    expect(repo.log('alice', 10).map((e) => [e.state, e.attempts, e.error])).toEqual([
      ['pending', 0, null],
      ['pending', 0, 'spamd at 127.0.0.1:1 is not reachable'],
    ]);
    const refusing: Learner = { name: 'spamd', learn: () => Promise.reject(new LearnerError('start spamd with --allow-tell', 'tell-disabled')) };
    expect((await learnBacklog(repo, refusing, 'alice', AbortSignal.timeout(5000))).failed).toBe(1);
    const up: Learner = { name: 'spamd', learn: (_u, items) => Promise.resolve(items.map((i) => ({ id: i.id, result: 'learned' as const }))) };
    expect(await learnBacklog(repo, up, 'alice', AbortSignal.timeout(5000))).toEqual({ learned: 2, failed: 0, error: null });
    expect(repo.usersWithBacklog()).toEqual([]);
  });

  test('users with a backlog come oldest first', () => {
    repo.recordMove(move(1, 'spam', 'carol'));
    repo.recordMove(move(2, 'spam', 'alice'));
    repo.recordMove(move(3, 'spam', 'carol'));
    expect(repo.usersWithBacklog()).toEqual(['carol', 'alice']);
  });
});

describe('spool files', () => {
  const file = (head: string, body: Buffer = msg(1)) => Buffer.concat([Buffer.from(head), body]);

  test('three lines then the message; anything else says why', () => {
    expect(parseSpoolFile(file('spam\nalice\nJunk\n'), 1000)).toMatchObject({ direction: 'spam', username: 'alice', mailbox: 'Junk' });
    expect(parseSpoolFile(file('ham\nalice\n\n'), 1000)).toMatchObject({ direction: 'ham', mailbox: '' });
    expect(parseSpoolFile(file('eggs\nalice\nJunk\n'), 1000)).toMatch(/not spam or ham/);
    expect(parseSpoolFile(file('spam\n../etc\nJunk\n'), 1000)).toMatch(/not a valid user name/);
    expect(parseSpoolFile(Buffer.from('spam\nalice'), 1000)).toMatch(/truncated/);
    expect(parseSpoolFile(file('spam\nalice\nJunk\n', Buffer.alloc(0)), 1000)).toMatch(/no message/);
    expect(parseSpoolFile(file('spam\nalice\nJunk\n'), 10)).toMatch(/larger than 10 bytes/);
  });

  test('ingesting keeps the order of the moves, sets bad files aside, and a file read twice teaches once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sw-spool-'));
    try {
      await mkdir(join(dir, 'new'));
      await writeFile(join(dir, 'new', '1796315445000000002.9'), file('ham\nalice\nINBOX\n'));
      await writeFile(join(dir, 'new', '1796315445000000001.7'), file('spam\nalice\nJunk\n'));
      await writeFile(join(dir, 'new', '1796315445000000003.8'), 'spam\nalice\nJunk\n');
      const r = await ingestSpool(dir, repo, { junk: 'Junk', maxMessageBytes: 1000 });
      expect(r).toEqual({ users: ['alice'], recorded: 2, repeats: 0, rejected: [{ file: '1796315445000000003.8', reason: 'no message (no header fields)' }] });
      expect(repo.log('alice', 10).reverse().map((e) => e.direction)).toEqual(['spam', 'ham']);
      expect(await readdir(join(dir, 'new'))).toEqual([]);
      expect(await readdir(join(dir, 'bad'))).toEqual(['1796315445000000003.8']);
      // The process died after storing but before deleting: the file comes again.
      await writeFile(join(dir, 'new', '1796315445000000002.9'), file('ham\nalice\nINBOX\n'));
      expect((await ingestSpool(dir, repo, { junk: 'Junk', maxMessageBytes: 1000 })).repeats).toBe(1);
      expect(repo.log('alice', 10)).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('what the learning log shows of a piped message', () => {
  test('Message-ID, decoded Subject, sender address, and a digest of the exact bytes', () => {
    const raw = Buffer.from('Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n =?iso-8859-1?Q?_und_K=FCsse?=\r\nFrom: =?utf-8?q?J=C3=B6rg?= <j@example.de>\r\nMessage-ID: <a@b>\r\n\r\nSubject: not this\r\n');
    const s = summarize(raw);
    expect([s.messageId, s.subject, s.sender]).toEqual(['<a@b>', 'Grüße und Küsse', 'j@example.de']);
    expect(s.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(summarize(Buffer.concat([raw, Buffer.from(' ')])).digest).not.toBe(s.digest);
    expect(summarize(Buffer.from('X: y\r\n\r\n'))).toMatchObject({ messageId: null, subject: null, sender: null });
    expect(decodeHeader('=?x-unknown?Q?abc?=')).toBe('abc');
  });
});

describe('learning run records', () => {
  const runAt = (username: string, startedAt: string) =>
    db.prepare("INSERT INTO learning_runs (username, started_at, finished_at, outcome) VALUES (?, ?, ?, 'ok')").run(username, startedAt, startedAt);

  test('pruned by age and by count per user; the latest run of a user always stays', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    for (let d = 30; d >= 1; d--) runAt('alice', new Date(now - d * 86_400_000).toISOString());
    runAt('bob', '2026-01-01T00:00:00.000Z'); // bob's only run, long ago
    expect(repo.pruneRuns({ maxAgeDays: 14, keepPerUser: 5 }, now)).toBe(25);
    const left = db.prepare('SELECT username, started_at FROM learning_runs ORDER BY id').all() as Array<{ username: string; started_at: string }>;
    expect(left.filter((r) => r.username === 'alice').map((r) => r.started_at.slice(0, 10))).toEqual(['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(left.filter((r) => r.username === 'bob')).toHaveLength(1);
    expect(repo.health().map((h) => [h.username, h.lastRun?.slice(0, 10)])).toEqual([
      ['alice', '2026-12-02'],
      ['bob', '2026-01-01'],
    ]);
    expect(repo.pruneRuns({ maxAgeDays: 3, keepPerUser: 5 }, now)).toBe(2);
  });

  test('a round over 3,000 users (backlog only) reaches each once and, pruned, keeps one record per user', async () => {
    const users = Array.from({ length: 3_000 }, (_, i) => `u${i}`);
    const runner = new LearningRunner({
      repo,
      connect: () => Promise.reject(new Error('no IMAP here')),
      learner: { name: 'none', learn: () => Promise.resolve([]) },
      scan: { folders: { junk: 'Junk', trash: 'Trash' }, maxMessageBytes: 1000 },
      runTimeoutMs: 10_000,
      concurrency: 4,
    });
    for (let round = 0; round < 2; round++) {
      const reports = await runner.runAll(users, 'backlog');
      expect(reports.filter((r) => r.outcome === 'ok')).toHaveLength(users.length);
      expect(new Set(reports.map((r) => r.username)).size).toBe(users.length);
    }
    expect(repo.pruneRuns({ maxAgeDays: 14, keepPerUser: 1 })).toBe(users.length);
    expect((db.prepare('SELECT COUNT(*) AS n FROM learning_runs').get() as { n: number }).n).toBe(users.length);
  });
});

describe('the migration to UID-less events', () => {
  test('keeps every existing event and its uniqueness; new moves have no UID', () => {
    const old = new Database(':memory:');
    try {
      migrate(old, allMigrations.filter((m) => m.version < 210));
      old.prepare("INSERT INTO learning_events (username, folder, uid_validity, uid, direction, reason, source_folder, state, raw) VALUES ('alice', 'Junk', 7, 1, 'spam', 'moved-in', 'Junk', 'pending', x'00')").run();
      migrate(old, allMigrations);
      const r = new LearningRepository(old);
      expect(r.log('alice', 10).map((e) => [e.id, e.uidValidity, e.uid, e.state])).toEqual([[1, 7, 1, 'pending']]);
      expect(() => old.prepare("INSERT INTO learning_events (username, folder, uid_validity, uid, direction, reason, source_folder, state) VALUES ('alice', 'Junk', 7, 1, 'spam', 'moved-in', 'Junk', 'done')").run()).toThrow(/UNIQUE/);
      expect(r.recordMove(move(1, 'spam'))).toBe(2);
    } finally {
      old.close();
    }
  });
});
