// The user's mail folders for the rule editor's folder picker. With an IMAP
// server and a master user configured they are listed from the server;
// otherwise the usual folders plus every folder the user's rules mention.
import { withImapLogin } from '../mail/imap-login.js';
import { imapMasterAuth, masterFromConfig } from '../mail/master-login.js';
import type { AppContext } from './context.js';

const USUAL = ['INBOX', 'Junk', 'Trash', 'Sent', 'Drafts', 'Archive'];

function foldersInRules(ctx: AppContext, username: string): string[] {
  const rs = ctx.rules.latest(username)?.ruleSet;
  if (!rs) return [];
  const out = [rs.settings.junkFolder];
  for (const r of rs.rules) {
    if ('actions' in r) for (const a of r.actions) if (a.kind === 'fileinto') out.push(a.folder);
  }
  return out;
}

export async function listFolders(ctx: AppContext, username: string): Promise<string[]> {
  const { imap } = ctx.config.mail;
  const master = imap ? masterFromConfig(ctx.config.mail) : null;
  if (imap && master) {
    const listed = await withImapLogin(imap, imapMasterAuth(master, username), async (c) => (await c.list()).map((m) => m.path));
    if (listed !== false) return listed.sort((a, b) => (a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a.localeCompare(b)));
  }
  const rest = [...new Set([...USUAL.slice(1), ...foldersInRules(ctx, username)])].filter((f) => f !== 'INBOX').sort();
  return ['INBOX', ...rest];
}
