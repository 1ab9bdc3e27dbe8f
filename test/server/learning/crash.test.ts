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

/** Deterministic pseudo-random numbers, so a failure can be replayed with its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function learnArgs(extra: string[]): string[] {
  return [
    BIN, 'learn', '--user', 'alice', '--db', join(dir, 'sw.db'),
    '--imap', `${mail.dovecot.host}:${mail.dovecot.imapPort}`, '--imap-tls', 'none',
    '--master', mail.dovecot.master.username, '--master-password-file', join(dir, 'master.pw'),
    '--spamd', `${mail.spamd.host}:${mail.spamd.port}`, '--interval', '1', '--timeout', '60',
    ...extra,
  ];
}

/**
 * A watcher that is killed and restarted until stopped. Each life lasts a
 * random number of passes (0-2, as printed by the CLI) plus a random delay,
 * so kills land while it starts, scans, or is half-way through learning.
 */
function chaos(rand: () => number): { kills: () => number; stop: () => Promise<void> } {
  let kills = 0;
  let stopped = false;
  const life = async () => {
    // Own process group: a kill also takes any spamc it is running.
    const child = spawn(process.execPath, learnArgs([]), { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SIEVEWRIGHT_CONFIG: '' } });
    const exited = new Promise((r) => child.once('exit', r));
    let passes = 0;
    const onLine = (d: string) => (passes += d.split('\n').length - 1);
    child.stdout.setEncoding('utf8').on('data', onLine);
    child.stderr.setEncoding('utf8').on('data', onLine);
    const wantPasses = Math.floor(rand() * 3);
    while (passes < wantPasses && !stopped) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, rand() * 800));
    try {
      process.kill(-child.pid!, 'SIGKILL');
      kills++;
    } catch {
      // already gone
    }
    await exited;
  };
  const loop = (async () => {
    while (!stopped) await life();
  })();
  return {
    kills: () => kills,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

describe('learning survives being killed', () => {
  test('200 moves with the watcher killed at random points: counts match the moves exactly', { timeout: 300_000 }, async () => {
    const seed = Number(process.env.LEARN_CRASH_SEED ?? Date.now() % 100_000);
    const rand = random(seed);
    const inbox = await mail.deliver('alice', 120);
    const filed = await mail.deliver('alice', 40, { spammy: true });
    const c = await mail.userClient('alice');
    await c.mailboxCreate('Work');

    // Baseline first, so the filter-filed messages are known before the user acts.
    const once = (await runOnce()).code;
    expect(once).toBe(0);

    const watcher = chaos(rand);
    try {
      // Phase 1: 120 into Junk, 20 filter-filed out to Work, 20 to Trash.
      const plan: Array<[string, string, string[]]> = [];
      for (let i = 0; i < 12; i++) plan.push(['INBOX', 'Junk', inbox.slice(i * 10, i * 10 + 10)]);
      for (let i = 0; i < 4; i++) plan.push(['Junk', 'Work', filed.slice(i * 5, i * 5 + 5)]);
      for (let i = 0; i < 4; i++) plan.push(['Junk', 'Trash', filed.slice(20 + i * 5, 20 + i * 5 + 5)]);
      plan.sort(() => rand() - 0.5);
      for (const [from, to, ids] of plan) {
        await moveByMessageId(c, from, to, ids);
        await new Promise((r) => setTimeout(r, rand() * 400));
      }
      // Phase 2 moves 40 of them back out; the watcher must have seen them
      // arrive first (a message moved in and out between two looks at the
      // folder was never observed in Junk).
      await waitForCursor(c);
      for (let i = 0; i < 4; i++) {
        await moveByMessageId(c, 'Junk', 'INBOX', inbox.slice(i * 10, i * 10 + 10));
        await new Promise((r) => setTimeout(r, rand() * 600));
      }
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      await watcher.stop();
      await c.logout();
    }
    const last = await runOnce();
    expect(last.code, last.stderr).toBe(0);

    expect(watcher.kills(), `seed ${seed}`).toBeGreaterThanOrEqual(3);
    // 120 spam, of which 40 relearned as ham; 20 ham from filter-filed; Trash nothing.
    expect(await mail.magic('alice'), `seed ${seed}`).toEqual({ nspam: 80, nham: 60 });
    const db = openDatabase(join(dir, 'sw.db'));
    try {
      const events = new LearningRepository(db).log('alice', 1000);
      expect(events.filter((e) => e.direction === 'spam')).toHaveLength(120);
      expect(events.filter((e) => e.direction === 'ham')).toHaveLength(60);
      expect(events.every((e) => e.state === 'done')).toBe(true);
    } finally {
      db.close();
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

/** Waits until the watcher's cursor has caught up with Junk's UIDNEXT. */
async function waitForCursor(c: Awaited<ReturnType<MailFixture['userClient']>>): Promise<void> {
  const st = await c.status('Junk', { uidNext: true });
  if (!st || st.uidNext === undefined) throw new Error('no STATUS for Junk');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const db = openDatabase(join(dir, 'sw.db'));
    const cursor = new LearningRepository(db).getCursor('alice', 'Junk');
    db.close();
    if (cursor && cursor.uidNext >= st.uidNext) return;
    if (Date.now() > deadline) throw new Error('the watcher never caught up with Junk');
    await new Promise((r) => setTimeout(r, 200));
  }
}
