// Where a user's existing mail is read from: the IMAP server as the master
// user acting for the user when one is configured, otherwise (the embedded
// default) the user's Maildir under the mail home the directory deploy
// target writes to. Either way a message comes back as its first 64 KB with
// a reference that names it again for "apply to existing mail".
import { join } from 'node:path';
import type { ImapFlow } from 'imapflow';
import { imapFolderOps, maildirFolderOps, type FolderOps } from '../mail/folder-ops.js';
import { MailServerUnavailableError } from '../mail/imap-login.js';
import { imapMasterAuth, masterFromConfig } from '../mail/master-login.js';
import { MaildirFolderError, readRecentMaildir } from '../mail/maildir.js';
import { fetchRecentImap } from '../mail/recent-imap.js';
import { imapOptions } from '../mail/imap-options.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';
import { userDirectory } from './user-directory.js';

/** Headers and the start of the body: what rules look at, and a bound on what one try may read. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface StoredMessage {
  folder: string;
  /** `<uidvalidity>.<uid>` over IMAP, the Maildir base name otherwise: unique inside the folder. */
  ref: string;
  raw: string;
  size: number;
  arrived: Date;
  flags: string[];
}

export type MailAccess = { kind: 'imap'; open(): Promise<ImapFlow> } | { kind: 'maildir'; root: string };

/** The demo user's (any embedded user's) Maildir: `Maildir` in the mail home. */
export function maildirOf(ctx: AppContext, username: string): string {
  return join(userDirectory(ctx.config.deploy.directory.home, username, 'deploy.directory.home'), 'Maildir');
}

export function mailAccess(ctx: AppContext, username: string): MailAccess {
  const { imap } = ctx.config.mail;
  if (!imap) return { kind: 'maildir', root: maildirOf(ctx, username) };
  const master = masterFromConfig(ctx.config.mail);
  if (!master) throw new AppError(503, 'mail_server_unavailable', 'reading mail needs mail.masterUser in the configuration');
  return {
    kind: 'imap',
    async open() {
      const { ImapFlow } = await import('imapflow');
      const client = new ImapFlow(imapOptions(imap, imapMasterAuth(master, username)));
      // Without a listener an 'error' event would crash the process; the failing command rejects anyway.
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (err) {
        client.close();
        throw new MailServerUnavailableError(`IMAP server ${imap.host}:${imap.port} unavailable: ${(err as Error).message}`, { cause: err });
      }
      return client;
    },
  };
}

/** Runs `use` on an open session and always logs out. */
export async function withSession<T>(access: Extract<MailAccess, { kind: 'imap' }>, use: (c: ImapFlow) => Promise<T>): Promise<T> {
  const client = await access.open();
  try {
    return await use(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** The newest `limit` messages of `folders`, newest first. */
export async function recentMail(ctx: AppContext, username: string, folders: readonly string[], limit: number): Promise<StoredMessage[]> {
  const access = mailAccess(ctx, username);
  if (access.kind === 'maildir') {
    const found = await readRecentMaildir(access.root, folders, limit, MAX_MESSAGE_BYTES).catch((err: unknown) => {
      if (err instanceof MaildirFolderError) throw new AppError(400, 'invalid_request', err.message, { issues: [{ path: '/folders', message: err.message }] });
      throw err;
    });
    return found.map((m) => ({ folder: m.folder, ref: m.id, raw: m.raw, size: m.size, arrived: m.date, flags: m.flags }));
  }
  const found = await withSession(access, (c) => fetchRecentImap(c, folders, limit, MAX_MESSAGE_BYTES));
  return found.map((m) => ({ folder: m.folder, ref: `${m.uidValidity}.${m.uid}`, raw: m.raw, size: m.size, arrived: m.date, flags: m.flags }));
}

/** Runs `use` with the operations on the user's stored mail (one IMAP session for all of it). */
export async function withFolderOps<T>(ctx: AppContext, username: string, use: (ops: FolderOps) => Promise<T>): Promise<T> {
  const access = mailAccess(ctx, username);
  if (access.kind === 'maildir') return use(maildirFolderOps(access.root));
  return withSession(access, (c) => use(imapFolderOps(c)));
}
