// Learning that scales with moves: `sievewright dovecot-config learning`
// (the default, --via sievewright) installed into a real Dovecot 2.3, whose
// IMAPSieve pipes every move into or out of Junk to the printed shell helper,
// run by Dovecot as the mail user, which spools it; `sievewright learn
// --events` stores each spooled move and teaches a real spamd.
import { spawn } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ImapFlow } from 'imapflow';
import { run as learn } from '../../../server/cli/learn.js';
import { imapsieveConfig } from '../../../server/learning/dovecot-config.js';
import { openDatabase, type Db } from '../../../server/store/db.js';
import { LearningRepository } from '../../../server/store/learning-repository.js';
import { capture } from '../../support/capture.js';
import { installImapsieveFiles } from '../../support/imapsieve-learning.js';
import { freePort, ownByMail, requireBinary, run } from '../../support/programs.js';
import { message, moveByMessageId, startMail, type MailFixture } from './mail-fixture.js';

const BIN = fileURLToPath(new URL('../../../server/cli/bin.js', import.meta.url));

let mail: MailFixture;
let dir: string;
let spool: string;
let configFile: string;
let db: Db;
let repo: LearningRepository;
let client: ImapFlow;

const spooled = async () => (await readdir(join(spool, 'new'))).length;
/** One round of the event service, as cron would run it. */
const eventsOnce = (...extra: string[]) => capture(() => learn(['--events', '--once', '--config', configFile, ...extra]));

async function copyByMessageId(from: string, to: string, id: string): Promise<void> {
  const lock = await client.getMailboxLock(from);
  try {
    const all = await client.fetchAll('1:*', { uid: true, envelope: true }, { uid: true });
    const uid = all.find((m) => m.envelope?.messageId === id)?.uid;
    if (uid === undefined) throw new Error(`${id} not in ${from}`);
    await client.messageCopy(String(uid), to, { uid: true });
  } finally {
    lock.release();
  }
}

const events = () => repo.log('alice', 100).reverse().map((e) => [e.direction, e.reason, e.sourceFolder, e.state, e.result]);

beforeAll(async () => {
  mail = await startMail({ alice: 'alicepw' });
  dir = await mkdtemp(join(tmpdir(), 'sw-imapsieve-ev-'));
  await chmod(dir, 0o755);
  spool = join(dir, 'spool');
  // What the printed install step does: the spool writable by the mail user.
  for (const d of [spool, join(spool, 'tmp'), join(spool, 'new')]) {
    await mkdir(d, { mode: 0o2770 });
    await ownByMail(d);
  }
  const dataDir = join(dir, 'data');
  configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ server: { dataDir }, learning: { spoolDir: spool, spamd: { host: mail.spamd.host, port: mail.spamd.port } } }));
  db = openDatabase(join(dataDir, 'sievewright.db'));
  repo = new LearningRepository(db);
  const cfg = imapsieveConfig({ version: '2.3', junk: 'Junk', trash: 'Trash', dir, helper: { via: 'sievewright', spool, mailGroup: 'vmail' } });
  await appendFile(mail.dovecot.conf, `\n${cfg.conf}`);
  await installImapsieveFiles(cfg, (path) => run(requireBinary('sievec'), ['-c', mail.dovecot.conf, path]));
  await mail.dovecot.stop();
  await mail.dovecot.start();
  client = await mail.userClient('alice');
}, 120_000);

afterAll(async () => {
  await client?.logout().catch(() => {});
  db?.close();
  await mail?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('IMAPSieve moves spooled for sievewright learn --events (Dovecot 2.3, spamd)', () => {
  test('into Junk teaches spam once, a second copy nothing, out of Junk ham once, to Trash nothing', { timeout: 120_000 }, async () => {
    const m = message();
    await client.append('INBOX', m.text);
    await copyByMessageId('INBOX', 'Junk', m.id);
    // The helper ran while the COPY waited: the move is on disk when it returns.
    expect(await spooled(), mail.dovecot.log().slice(-2000)).toBe(1);
    expect((await eventsOnce()).code).toBe(0);
    expect(await spooled()).toBe(0);
    expect(events()).toEqual([['spam', 'moved-in', 'Junk', 'done', 'learned']]);
    expect(await mail.magic('alice')).toEqual({ nspam: 1, nham: 0 });

    // The same message into Junk again (the INBOX copy): it already taught spam.
    await moveByMessageId(client, 'INBOX', 'Junk', [m.id]);
    expect(await spooled()).toBe(1);
    expect((await eventsOnce()).code).toBe(0);
    expect(events()).toHaveLength(1);

    // One of the two copies back out: ham, which spamd relearns.
    await copyByMessageId('Junk', 'INBOX', m.id);
    expect((await eventsOnce()).code).toBe(0);
    expect(events()).toEqual([
      ['spam', 'moved-in', 'Junk', 'done', 'learned'],
      ['ham', 'moved-out', 'INBOX', 'done', 'learned'],
    ]);
    expect(await mail.magic('alice')).toEqual({ nspam: 0, nham: 1 });

    // Another message into Junk and on to Trash: spam, and nothing for the Trash.
    const t = message();
    await client.append('INBOX', t.text);
    await moveByMessageId(client, 'INBOX', 'Junk', [t.id]);
    await moveByMessageId(client, 'Junk', 'Trash', [t.id]);
    expect(await spooled()).toBe(1);
    expect((await eventsOnce()).code).toBe(0);
    expect(events()).toHaveLength(3);
    expect(await mail.magic('alice')).toEqual({ nspam: 1, nham: 1 });
  });

  test('with spamd unreachable the move stays pending, and the next round teaches it, once', { timeout: 120_000 }, async () => {
    const before = await mail.magic('alice');
    const m = message();
    await client.append('INBOX', m.text);
    await moveByMessageId(client, 'INBOX', 'Junk', [m.id]);
    const down = await eventsOnce('--spamd', `127.0.0.1:${await freePort()}`);
    expect(down.err).toMatch(/not reachable/);
    const pending = repo.log('alice', 1)[0]!;
    expect([pending.direction, pending.state, pending.attempts]).toEqual(['spam', 'pending', 0]);
    expect(pending.error).toMatch(/not reachable/);
    expect(await mail.magic('alice')).toEqual(before);

    expect((await eventsOnce()).code).toBe(0);
    expect(repo.log('alice', 1)[0]).toMatchObject({ state: 'done', result: 'learned' });
    expect(await mail.magic('alice')).toEqual({ nspam: before.nspam + 1, nham: before.nham });
    expect(repo.usersWithBacklog()).toEqual([]);
  });

  test('the service learns a move as soon as it is spooled, not at the next interval', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [BIN, 'learn', '--events', '--config', configFile, '--interval', '3600'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const learned = async (n: number) => {
      const deadline = Date.now() + 60_000;
      while (repo.log('alice', 1000).filter((e) => e.state === 'done').length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return repo.log('alice', 1000).filter((e) => e.state === 'done').length;
    };
    try {
      const done = repo.log('alice', 1000).filter((e) => e.state === 'done').length;
      // The first move may be taken by the service's first round; the
      // second can only be taken by the spool watch (the interval is an hour).
      for (const k of [1, 2]) {
        const m = message();
        await client.append('INBOX', m.text);
        await moveByMessageId(client, 'INBOX', 'Junk', [m.id]);
        expect(await learned(done + k), stderr).toBe(done + k);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  test('the helper refuses bad input with exit codes, and learn --events sets a bad spool file aside', async () => {
    const helper = join(dir, 'pipe', 'sievewright-learn.sh');
    const pipe = (args: string[], input: string) => run('/bin/sh', [helper, ...args], { input });
    expect((await pipe(['spam', 'alice', 'Junk'], '')).code).toBe(1);
    expect((await pipe(['eggs', 'alice', 'Junk'], message().text)).code).toBe(2);
    expect((await pipe(['spam', '', 'Junk'], message().text)).code).toBe(1);
    expect((await pipe(['spam', '../etc', 'Junk'], message().text)).code).toBe(1);
    expect(await spooled()).toBe(0);

    // The helper only screens names cheaply; the service applies the full rule.
    const count = repo.log('alice', 1000).length;
    expect((await pipe(['spam', 'al ice', 'Junk'], message().text)).code).toBe(0);
    await writeFile(join(spool, 'new', '0.garbage'), 'ham\nalice\nINBOX\nno header here\r\n\r\nbody');
    const r = await eventsOnce();
    expect(r.err).toMatch(/set aside in bad\/: not a valid user name/);
    expect(r.err).toMatch(/0\.garbage set aside in bad\/: no message/);
    expect(await spooled()).toBe(0);
    expect(await readdir(join(spool, 'bad'))).toHaveLength(2);
    expect(repo.log('alice', 1000)).toHaveLength(count);
  });
});
