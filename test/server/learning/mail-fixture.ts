// Real Dovecot + spamd for the learning tests: the emitted Sieve script of a
// rule that files "[SPAMMY]" mail into Junk (with the filter keyword),
// distinct test messages, a user-side IMAP client, and SpamAssassin's
// own Bayes counters (`sa-learn --dump magic`).
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { emitSieve } from '../../../grammar/emit/sieve.js';
import type { RuleSet } from '../../../grammar/model.js';
import type { Db } from '../../../server/store/db.js';
import { LearningRepository } from '../../../server/store/learning-repository.js';
import { spamdLearner, type Learner } from '../../../server/learning/learner.js';
import { LearningRunner } from '../../../server/learning/runner.js';
import { openSession } from '../../../server/learning/watcher.js';
import { mailOwner, requireBinary, run } from '../../support/programs.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';
import { startSpamd, type Spamd } from '../../support/spamassassin.js';

/** The user's script, emitted from rules by the project's own Sieve emitter. */
export async function filterScript(): Promise<string> {
  const rules = JSON.parse(await readFile(new URL('./fixtures/filter-rules.json', import.meta.url), 'utf8')) as RuleSet;
  const out = emitSieve(rules);
  const errors = out.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`the filter rules do not compile: ${JSON.stringify(errors)}`);
  return out.sieve;
}

export interface MailFixture {
  dovecot: Dovecot;
  spamd: Spamd;
  deliver(user: string, count: number, opts?: { spammy?: boolean; tag?: string }): Promise<string[]>;
  /** Stores new messages straight into a folder over IMAP (no Sieve): faster than delivery. */
  append(client: ImapFlow, folder: string, count: number): Promise<string[]>;
  userClient(user: string): Promise<ImapFlow>;
  magic(user: string): Promise<{ nspam: number; nham: number }>;
  /** A session as `user` through the master user, as the watcher opens it. */
  session(user: string, opts?: RunnerFixtureOptions): Promise<ImapFlow>;
  runner(db: Db, opts?: RunnerFixtureOptions): LearningRunner;
  cleanup(): Promise<void>;
}

export interface RunnerFixtureOptions {
  learner?: Learner;
  runTimeoutMs?: number;
  /** Connect through another port (a counting proxy). */
  imapPort?: number;
  /** Extra imapflow options, e.g. disableAutoEnable to go without CONDSTORE. */
  session?: Partial<ImapFlowOptions>;
}

let serial = 0;

/** A distinct, plausible message; `spammy` ones match the filter script. */
export function message(opts: { spammy?: boolean; tag?: string } = {}): { id: string; text: string } {
  const n = ++serial;
  const id = `<${opts.tag ?? 't'}-${n}-${randomBytes(6).toString('hex')}@example.net>`;
  const words = Array.from({ length: 40 }, () => randomBytes(3).toString('hex')).join(' ');
  const subject = `${opts.spammy ? '[SPAMMY] ' : ''}Message ${n}`;
  const text = [
    `From: sender${n}@example.net`,
    'To: user@example.test',
    `Subject: ${subject}`,
    `Message-ID: ${id}`,
    'Date: Thu, 26 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello, this is message ${n}. ${words}`,
    '',
  ].join('\r\n');
  return { id, text };
}

export async function installFilterScript(dovecot: Dovecot, user: string): Promise<void> {
  const owner = await mailOwner();
  const home = dovecot.home(user);
  await mkdir(join(home, 'sieve'), { recursive: true });
  await writeFile(join(home, 'sieve', 'filter.sieve'), await filterScript());
  await symlink('sieve/filter.sieve', join(home, '.dovecot.sieve')).catch(() => {});
  for (const p of [home, join(home, 'sieve'), join(home, 'sieve', 'filter.sieve')]) await chown(p, owner.uid, owner.gid);
}

export async function bayesCounts(dbDir: string, home?: string): Promise<{ nspam: number; nham: number }> {
  const args = home ? ['--dump', 'magic'] : ['--dbpath', dbDir, '--dump', 'magic'];
  const r = await run(requireBinary('sa-learn'), args, home ? { env: { ...process.env, HOME: home } } : {});
  const num = (name: string) => Number(new RegExp(`(\\d+)\\s+\\d+\\s+non-token data: ${name}\\b`).exec(r.stdout)?.[1] ?? 0);
  // No database yet = nothing learned.
  return { nspam: num('nspam'), nham: num('nham') };
}

export async function startMail(users: Record<string, string> = { alice: 'alicepw', bob: 'bobpw' }): Promise<MailFixture> {
  const [dovecot, spamd] = await Promise.all([startDovecot({ users }), startSpamd()]);
  for (const u of Object.keys(users)) await installFilterScript(dovecot, u);
  const self: MailFixture = {
    dovecot,
    spamd,
    async deliver(user, count, opts = {}) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const m = message(opts);
        const r = await dovecot.deliver(user, m.text);
        if (r.exitCode !== 0) throw new Error(`dovecot-lda failed (${r.exitCode}): ${r.stderr}`);
        ids.push(m.id);
      }
      return ids;
    },
    async append(client, folder, count) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const m = message();
        await client.append(folder, m.text);
        ids.push(m.id);
      }
      return ids;
    },
    async userClient(user) {
      const c = new ImapFlow({ host: dovecot.host, port: dovecot.imapPort, secure: false, doSTARTTLS: false, auth: { user, pass: users[user]! }, logger: false });
      c.on('error', () => {});
      await c.connect();
      return c;
    },
    magic: (user) => bayesCounts(join(spamd.vusersDir, user)),
    session: (u, opts = {}) => openSession({ host: dovecot.host, port: opts.imapPort ?? dovecot.imapPort, tls: 'none' }, { ...dovecot.master, separator: '*' }, u, opts.session),
    runner(db, opts = {}) {
      return new LearningRunner({
        repo: new LearningRepository(db),
        connect: (u) => self.session(u, opts),
        learner: opts.learner ?? spamdLearner({ host: spamd.host, port: spamd.port }),
        scan: { folders: { junk: 'Junk', trash: 'Trash' }, maxMessageBytes: 1024 * 1024 },
        runTimeoutMs: opts.runTimeoutMs ?? 60_000,
        concurrency: 2,
      });
    },
    async cleanup() {
      await Promise.all([dovecot.cleanup(), spamd.cleanup()]);
    },
  };
  return self;
}

/** Moves the messages with these Message-IDs from one folder to another, as a mail client would. */
export async function moveByMessageId(client: ImapFlow, from: string, to: string, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const lock = await client.getMailboxLock(from);
  try {
    const all = await client.fetchAll('1:*', { uid: true, envelope: true }, { uid: true });
    const want = new Set(ids);
    const uids = all.filter((m) => want.has(m.envelope?.messageId ?? '')).map((m) => m.uid);
    if (uids.length !== ids.length) throw new Error(`expected ${ids.length} messages in ${from}, found ${uids.length}`);
    await client.messageMove(uids.join(','), to, { uid: true });
  } finally {
    lock.release();
  }
}

export async function setFlag(client: ImapFlow, folder: string, id: string, flag: string): Promise<void> {
  const lock = await client.getMailboxLock(folder);
  try {
    const all = await client.fetchAll('1:*', { uid: true, envelope: true }, { uid: true });
    const m = all.find((x) => x.envelope?.messageId === id);
    if (!m) throw new Error(`${id} not in ${folder}`);
    await client.messageFlagsAdd(String(m.uid), [flag], { uid: true });
  } finally {
    lock.release();
  }
}

export async function flagsIn(client: ImapFlow, folder: string): Promise<string[][]> {
  const lock = await client.getMailboxLock(folder);
  try {
    if (!client.mailbox || !client.mailbox.exists) return [];
    return (await client.fetchAll('1:*', { flags: true })).map((m) => [...(m.flags ?? [])]);
  } finally {
    lock.release();
  }
}
