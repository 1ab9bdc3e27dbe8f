// Junk learning against a local Dovecot and spamd.
// 1. 1,000 user moves into Junk: time from the start of a pass until all are
//    learned, through spamd (its TELL request, as spamc -L sends) and through
//    batched sa-learn, beside
//    the naive way (one sa-learn process per message; a sample of 20, rate
//    extrapolated). Target: >= 30x faster than the naive loop.
// 2. IMAP bytes exchanged by an idle pass with 10 vs 10,000 messages in Junk
//    (counted on the socket by a proxy), with CONDSTORE and in the plain-UID
//    fallback. Target: about the same with CONDSTORE.
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saLearnLearner } from '../../server/learning/learner.js';
import { openDatabase } from '../../server/store/db.js';
import { mailOwner, requireBinary, run as runProgram } from '../support/programs.js';
import { countingProxy } from '../server/learning/counting-proxy.js';
import { message, moveByMessageId, startMail, type MailFixture } from '../server/learning/mail-fixture.js';
import { printTable } from './_table.js';

const MOVES = Number(process.env.BENCH_LEARN_MOVES ?? 1000);
const NAIVE_SAMPLE = 20;
const BIG_JUNK = Number(process.env.BENCH_LEARN_BIG_JUNK ?? 10_000);


/** Puts `count` messages into a user's Maildir folder directly (Dovecot indexes them on first look). */
async function fillMaildir(mail: MailFixture, user: string, folder: string, count: number): Promise<void> {
  const owner = await mailOwner();
  const home = mail.dovecot.home(user);
  const base = join(home, 'Maildir', `.${folder}`);
  for (const d of [home, join(home, 'Maildir'), base, join(base, 'cur'), join(base, 'new'), join(base, 'tmp')]) {
    await mkdir(d, { recursive: true });
    await chown(d, owner.uid, owner.gid);
  }
  for (let i = 0; i < count; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - i) }, async (_, j) => {
        const f = join(base, 'cur', `${Date.now()}.M${i + j}P${process.pid}.bench:2,S`);
        await writeFile(f, message().text);
        await chown(f, owner.uid, owner.gid);
      }),
    );
  }
}

async function timeMoves(mail: MailFixture, user: string, via: 'spamd' | 'sa-learn', saHome: string): Promise<{ seconds: number; learned: number }> {
  const db = openDatabase(':memory:');
  try {
    const runner = mail.runner(db, via === 'sa-learn' ? { learner: saLearnLearner({ homeFor: (u) => join(saHome, u) }), runTimeoutMs: 600_000 } : { runTimeoutMs: 600_000 });
    const c = await mail.userClient(user);
    const ids = await mail.append(c, 'INBOX', MOVES);
    await runner.runUser(user); // baseline
    await moveByMessageId(c, 'INBOX', 'Junk', ids);
    await c.logout();
    const t0 = performance.now();
    const r = await runner.runUser(user);
    const seconds = (performance.now() - t0) / 1000;
    if (r.outcome !== 'ok') throw new Error(`${via} pass failed: ${r.error}`);
    return { seconds, learned: r.learned };
  } finally {
    db.close();
  }
}

async function naiveSaLearn(saHome: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'sw-naive-'));
  try {
    const saLearn = requireBinary('sa-learn');
    const t0 = performance.now();
    for (let i = 0; i < NAIVE_SAMPLE; i++) {
      const f = join(dir, `${i}.eml`);
      await writeFile(f, message().text);
      const r = await runProgram(saLearn, ['--spam', f], { env: { ...process.env, HOME: join(saHome, 'naive') } });
      if (r.code !== 0) throw new Error(`sa-learn failed: ${r.stderr}`);
    }
    return (performance.now() - t0) / 1000 / NAIVE_SAMPLE;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function idleBytes(mail: MailFixture, users: Array<[string, number]>): Promise<Array<Record<string, string | number>>> {
  const proxy = await countingProxy({ host: mail.dovecot.host, port: mail.dovecot.imapPort });
  const rows: Array<Record<string, string | number>> = [];
  try {
    for (const [mode, session] of [['CONDSTORE/QRESYNC', {}], ['plain UIDs (no CONDSTORE)', { disableAutoEnable: true }]] as const) {
      const db = openDatabase(':memory:');
      try {
        const runner = mail.runner(db, { imapPort: proxy.port, session, runTimeoutMs: 600_000 });
        for (const [user, n] of users) {
          await runner.runUser(user); // baseline, not counted
          proxy.reset();
          const t0 = performance.now();
          const r = await runner.runUser(user);
          const ms = performance.now() - t0;
          const b = proxy.bytes();
          rows.push({ mode, 'messages in Junk': n, 'pass': r.scan ?? r.outcome, 'bytes up': b.up, 'bytes down': b.down, 'total': b.up + b.down, 'ms': ms.toFixed(0) });
        }
      } finally {
        db.close();
      }
    }
  } finally {
    await proxy.close();
  }
  return rows;
}

export async function run(): Promise<void> {
  const users = { movesa: 'pw', movesb: 'pw', smallj: 'pw', largej: 'pw' };
  const mail = await startMail(users);
  const saHome = await mkdtemp(join(tmpdir(), 'sw-bench-sa-'));
  try {
    const spamd = await timeMoves(mail, 'movesa', 'spamd', saHome);
    const batched = await timeMoves(mail, 'movesb', 'sa-learn', saHome);
    const naivePerMsg = await naiveSaLearn(saHome);
    console.log(`${MOVES} moves into Junk, one pass (scan + fetch + learn), time until all learned:\n`);
    const naiveTotal = naivePerMsg * MOVES;
    printTable([
      { learner: 'sievewright, spamd TELL', 'learned': spamd.learned, 'seconds': spamd.seconds.toFixed(2), 'msgs/s': (spamd.learned / spamd.seconds).toFixed(1), 'vs naive': `${(naiveTotal / spamd.seconds).toFixed(1)}x` },
      { learner: 'sievewright, batched sa-learn', 'learned': batched.learned, 'seconds': batched.seconds.toFixed(2), 'msgs/s': (batched.learned / batched.seconds).toFixed(1), 'vs naive': `${(naiveTotal / batched.seconds).toFixed(1)}x` },
      { learner: `naive: 1 sa-learn per message (${NAIVE_SAMPLE} sampled)`, 'learned': MOVES, 'seconds': `${naiveTotal.toFixed(1)} (est.)`, 'msgs/s': (1 / naivePerMsg).toFixed(2), 'vs naive': '1x' },
    ]);

    await fillMaildir(mail, 'smallj', 'Junk', 10);
    await fillMaildir(mail, 'largej', 'Junk', BIG_JUNK);
    console.log('\nIMAP bytes of one idle pass (nothing changed since the last pass), counted on the socket:\n');
    printTable(await idleBytes(mail, [['smallj', 10], ['largej', BIG_JUNK]]));
  } finally {
    await rm(saHome, { recursive: true, force: true });
    await mail.cleanup();
  }
}
