// The watcher (the real CLI, `sievewright learn`) is SIGKILLed at random
// points while a user makes 200 moves, and restarted each time. SpamAssassin's
// counters must still end exactly where the user's moves say.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../../../server/store/db.js';
import { LearningRepository } from '../../../server/store/learning-repository.js';
import { random, seedFrom } from '../../support/random.js';
import { moveByMessageId, startMail, type MailFixture } from './mail-fixture.js';

const BIN = new URL('../../../server/cli/bin.js', import.meta.url).pathname;

let mail: MailFixture;
let dir: string;

beforeAll(async () => {
  mail = await startMail({ alice: 'alicepw' });
  dir = await mkdtemp(join(tmpdir(), 'sw-learn-crash-'));
  await writeFile(join(dir, 'master.pw'), `${mail.dovecot.master.password}\n`);
});
afterAll(async () => {
  await mail?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function learnArgs(extra: string[]): string[] {
  return [
    BIN, 'learn', '--user', 'alice', '--db', join(dir, 'sw.db'),
    '--imap', `${mail.dovecot.host}:${mail.dovecot.imapPort}`, '--imap-tls', 'none',
    '--master', mail.dovecot.master.username, '--master-password-file', join(dir, 'master.pw'),
    '--spamd', `${mail.spamd.host}:${mail.spamd.port}`, '--interval', '1', '--timeout', '60',
    ...extra,
  ];
}

/** Done events so far, read through the repository while the watcher writes (WAL). */
function doneCount(repo: LearningRepository): number {
  return repo.log('alice', 10_000).filter((e) => e.state === 'done').length;
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/**
 * One life of the watcher (the CLI in watch mode): started, then SIGKILLed
 * either after a random delay (while it starts or scans) or right after it
 * has learned a random number of messages (in the middle of learning).
 */
async function life(rand: () => number, repo: LearningRepository, willLearn: number, during: () => Promise<void>): Promise<string> {
  // Own process group: the kill also takes any child it may be running.
  const child = spawn(process.execPath, learnArgs([]), { detached: true, stdio: 'ignore', env: { ...process.env, SIEVEWRIGHT_CONFIG: '' } });
  const exited = new Promise((r) => child.once('exit', r));
  const base = doneCount(repo);
  await during();
  let how: string;
  if (willLearn === 0 || rand() < 0.3) {
    const ms = Math.round(rand() * 1500);
    await new Promise((r) => setTimeout(r, ms));
    how = `after ${ms} ms`;
  } else {
    const k = 1 + Math.floor(rand() * willLearn);
    await until(() => doneCount(repo) >= base + k, 30_000);
    how = `after ${doneCount(repo) - base} learned`;
  }
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // it exited by itself
  }
  await exited;
  return how;
}

describe('learning survives being killed', () => {
  test('200 moves with the watcher killed at random points: counts match the moves exactly', { timeout: 300_000 }, async () => {
    const seed = seedFrom('LEARN_CRASH_SEED');
    const rand = random(seed);
    const c = await mail.userClient('alice');
    const inbox = await mail.append(c, 'INBOX', 120);
    const filed = await mail.deliver('alice', 40, { spammy: true });
    await c.mailboxCreate('Work');
    const db = openDatabase(join(dir, 'sw.db'));
    const repo = new LearningRepository(db);
    const lives: string[] = [];
    try {
      // Baseline first, so the filter-filed messages are known before the user acts.
      expect((await runOnce()).code).toBe(0);

      // Phase 1: 120 into Junk, 20 filter-filed out to Work, 20 to Trash,
      // in random order, two chunks per life, moved while the watcher runs.
      const plan: Array<[string, string, string[]]> = [];
      for (let i = 0; i < 12; i++) plan.push(['INBOX', 'Junk', inbox.slice(i * 10, i * 10 + 10)]);
      for (let i = 0; i < 4; i++) plan.push(['Junk', 'Work', filed.slice(i * 5, i * 5 + 5)]);
      for (let i = 0; i < 4; i++) plan.push(['Junk', 'Trash', filed.slice(20 + i * 5, 20 + i * 5 + 5)]);
      plan.sort(() => rand() - 0.5);
      const move = async (chunk: [string, string, string[]] | undefined) => {
        if (chunk) await moveByMessageId(c, ...chunk);
        await new Promise((r) => setTimeout(r, rand() * 300));
      };
      const learns = (chunk: [string, string, string[]] | undefined) => (chunk && chunk[1] !== 'Trash' ? chunk[2].length : 0);
      for (let i = 0; i < plan.length; i += 2) {
        const willLearn = learns(plan[i]) + learns(plan[i + 1]);
        lives.push(await life(rand, repo, willLearn, async () => (await move(plan[i]), await move(plan[i + 1]))));
      }
      // Phase 2 moves 40 of them back out. A message moved in and out between
      // two looks at Junk is never seen there, so let one pass see them first.
      expect((await runOnce()).code).toBe(0);
      for (let i = 0; i < 4; i++) lives.push(await life(rand, repo, 10, () => move(['Junk', 'INBOX', inbox.slice(i * 10, i * 10 + 10)])));
      const last = await runOnce();
      expect(last.code, last.stderr).toBe(0);

      const why = `seed ${seed}, kills: ${lives.join('; ')}`;
      if (process.env.LEARN_CRASH_DEBUG) process.stderr.write(`${why}\n`);
      // 120 spam, of which 40 relearned as ham; 20 ham from filter-filed; Trash nothing.
      expect(await mail.magic('alice'), why).toEqual({ nspam: 80, nham: 60 });
      const events = repo.log('alice', 1000);
      expect(events.filter((e) => e.direction === 'spam'), why).toHaveLength(120);
      expect(events.filter((e) => e.direction === 'ham'), why).toHaveLength(60);
      expect(events.every((e) => e.state === 'done')).toBe(true);
      expect(lives.filter((l) => l.includes('learned')).length, why).toBeGreaterThanOrEqual(3);
    } finally {
      db.close();
      await c.logout();
    }
  });
});

function runOnce(): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, learnArgs(['--once']), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SIEVEWRIGHT_CONFIG: '' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, stderr }));
  });
}
