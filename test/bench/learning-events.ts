// Learning that scales with moves, not with users, against a local Dovecot
// 2.3 and spamd (`npm run bench -- learning-events`):
// 1. The IMAPSieve path as `sievewright dovecot-config learning` prints it:
//    MOVEs into Junk over IMAP, one message per MOVE, each running the spool
//    helper, beside MOVEs to a folder without a hook; then `learn --events`
//    (spool ingest + spamd TELL) over all of them.
// 2. The polling fallback: one round over users whose Junk did not change
//    (one IMAP login each, 4 at a time), in users/s.
// What a day costs is then moves x (1) for events, users x rounds x (2) for polling.
import { appendFile, chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imapsieveConfig } from '../../server/learning/dovecot-config.js';
import { LearningRunner } from '../../server/learning/runner.js';
import { spamdLearner } from '../../server/learning/learner.js';
import { openDatabase } from '../../server/store/db.js';
import { LearningRepository } from '../../server/store/learning-repository.js';
import { installImapsieveFiles } from '../support/imapsieve-learning.js';
import { ownByMail, requireBinary, run as runProgram } from '../support/programs.js';
import { moveByMessageId, startMail } from '../server/learning/mail-fixture.js';
import { printTable } from './_table.js';

const MOVES = Number(process.env.BENCH_EVENT_MOVES ?? 200);
const USERS = Number(process.env.BENCH_POLL_USERS ?? 40);


export async function run(): Promise<void> {
  const users = Object.fromEntries(['mover', ...Array.from({ length: USERS }, (_, i) => `p${i}`)].map((u) => [u, 'pw']));
  const mail = await startMail(users);
  const dir = await mkdtemp(join(tmpdir(), 'sw-bench-events-'));
  const db = openDatabase(':memory:');
  try {
    await chmod(dir, 0o755);
    const spool = join(dir, 'spool');
    for (const d of [spool, join(spool, 'tmp'), join(spool, 'new')]) {
      await mkdir(d, { mode: 0o2770 });
      await ownByMail(d);
    }
    const cfg = imapsieveConfig({ version: '2.3', junk: 'Junk', trash: 'Trash', dir, helper: { via: 'sievewright', spool, mailGroup: 'vmail' } });
    await appendFile(mail.dovecot.conf, `\n${cfg.conf}`);
    await installImapsieveFiles(cfg, (path) => runProgram(requireBinary('sievec'), ['-c', mail.dovecot.conf, path]));
    await mail.dovecot.stop();
    await mail.dovecot.start();

    const c = await mail.userClient('mover');
    await c.mailboxCreate('Work');
    const timeMoves = async (to: string) => {
      const ids = await mail.append(c, 'INBOX', MOVES);
      const t0 = performance.now();
      for (const id of ids) await moveByMessageId(c, 'INBOX', to, [id]);
      return (performance.now() - t0) / 1000;
    };
    const plain = await timeMoves('Work');
    const hooked = await timeMoves('Junk');
    await c.logout();

    const repo = new LearningRepository(db);
    const runner = new LearningRunner({
      repo,
      connect: (u) => mail.session(u),
      learner: spamdLearner({ host: mail.spamd.host, port: mail.spamd.port }),
      scan: { folders: { junk: 'Junk', trash: 'Trash' }, maxMessageBytes: 1024 * 1024 },
      runTimeoutMs: 600_000,
      concurrency: 4,
      spool: { dir: spool },
    });
    const t0 = performance.now();
    const reports = await runner.runBacklog();
    const service = (performance.now() - t0) / 1000;
    const learned = reports.reduce((n, r) => n + r.learned, 0);

    console.log(`${MOVES} MOVEs into Junk, one message per MOVE, each piped to the spool helper by IMAPSieve:\n`);
    printTable([
      { step: 'MOVE to a folder without a hook (IMAP round trip)', 'events': MOVES, 'seconds': plain.toFixed(2), 'per s': (MOVES / plain).toFixed(1), 'ms each': ((plain / MOVES) * 1000).toFixed(1) },
      { step: 'MOVE into Junk (IMAPSieve + spool helper)', 'events': MOVES, 'seconds': hooked.toFixed(2), 'per s': (MOVES / hooked).toFixed(1), 'ms each': ((hooked / MOVES) * 1000).toFixed(1) },
      { step: 'learn --events round (store + spamd TELL)', 'events': learned, 'seconds': service.toFixed(2), 'per s': (learned / service).toFixed(1), 'ms each': ((service / learned) * 1000).toFixed(1) },
    ]);

    const pollUsers = Object.keys(users).filter((u) => u !== 'mover');
    await runner.runAll(pollUsers); // baselines, not counted
    const p0 = performance.now();
    const round = await runner.runAll(pollUsers);
    const poll = (performance.now() - p0) / 1000;
    const ok = round.filter((r) => r.outcome === 'ok').length;
    console.log(`\nPolling fallback: one round over ${pollUsers.length} users, nothing changed, 4 sessions at a time:\n`);
    printTable([{ step: 'polling round', users: ok, seconds: poll.toFixed(2), 'users/s': (ok / poll).toFixed(1), 'round for 100,000 users (est.)': `${(100_000 / (ok / poll) / 60).toFixed(1)} min` }]);
  } finally {
    db.close();
    await mail.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}
