// What the Dovecot 2.3 and 2.4 tests of `sievewright dovecot-config
// learning` share: installing the printed files as an admin would, and the
// moves a user makes over IMAP, with what they must teach spamd.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ImapFlow } from 'imapflow';
import type { ImapsieveConfig } from '../../server/learning/dovecot-config.js';
import { message, moveByMessageId } from '../server/learning/mail-fixture.js';
import type { RunResult } from './programs.js';

/**
 * Writes the report scripts and the pipe helper (under `hostPrefix` when
 * Dovecot sees the files from inside a chroot) and compiles the scripts as
 * root, as the printed install commands do.
 */
export async function installImapsieveFiles(cfg: ImapsieveConfig, sievec: (path: string) => Promise<RunResult>, hostPrefix = ''): Promise<void> {
  for (const f of cfg.files) {
    const path = `${hostPrefix}${f.path}`;
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, f.text);
    await chmod(path, parseInt(f.mode, 8));
  }
  for (const f of cfg.files.filter((x) => x.path.endsWith('.sieve'))) {
    const r = await sievec(f.path);
    if (r.code !== 0) throw new Error(`sievec ${f.path} failed (${r.code}): ${r.stderr}`);
  }
}

export async function userClient(host: string, port: number, user: string, pass: string): Promise<ImapFlow> {
  const c = new ImapFlow({ host, port, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/**
 * Three new messages moved into Junk, one of them on to Trash and one back
 * to INBOX, and one stored straight into Junk (a client that APPENDs
 * instead of moving).
 */
export async function junkMoves(client: ImapFlow): Promise<void> {
  const msgs = [message(), message(), message()];
  for (const m of msgs) await client.append('INBOX', m.text);
  const ids = msgs.map((m) => m.id);
  await moveByMessageId(client, 'INBOX', 'Junk', ids);
  await moveByMessageId(client, 'Junk', 'Trash', [ids[0]!]);
  await moveByMessageId(client, 'Junk', 'INBOX', [ids[1]!]);
  await client.append('Junk', message().text);
}

/** What junkMoves teaches: 4 spam, one relearned as ham; the one sent to Trash stays spam. */
export const JUNK_MOVES_TEACH = { nspam: 3, nham: 1 };
