// The few things "apply rules to existing mail" and its undo do to stored
// messages, over IMAP or in the embedded default's Maildir: which messages
// are still in a folder, move, copy, flag, find by Message-ID, and remove a
// copy this feature made. A message is named by its ref (recent-mail.ts):
// `<uidvalidity>.<uid>` over IMAP, the file's base name in a Maildir.
// Nothing here deletes a user's message; removing is only for undoing a copy.
import { rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ImapFlow } from 'imapflow';
import { baseName, copyMessage, findMessage, MAILDIR_FLAGS, moveMessage, readRecentMaildir, removeMessage } from './maildir.js';
import { summarize } from './message-summary.js';

/** For each ref moved or copied: its ref in the target folder, null when the server did not say. */
export type RefMap = Map<string, string | null>;

export interface FolderOps {
  present(folder: string, refs: readonly string[]): Promise<Set<string>>;
  move(folder: string, refs: readonly string[], target: string): Promise<RefMap>;
  copy(folder: string, refs: readonly string[], target: string): Promise<RefMap>;
  addFlag(folder: string, refs: readonly string[], flag: string): Promise<void>;
  removeFlag(folder: string, refs: readonly string[], flag: string): Promise<void>;
  findByMessageId(folder: string, messageId: string): Promise<string | null>;
  removeCopies(folder: string, refs: readonly string[]): Promise<void>;
}

/** Folders are created on first use, as Sieve's `fileinto :create` would. */
export function imapFolderOps(client: ImapFlow): FolderOps {
  const select = async (folder: string) => {
    const lock = await client.getMailboxLock(folder);
    return { lock, uidValidity: String(client.mailbox ? client.mailbox.uidValidity : '') };
  };
  // Refs of another UIDVALIDITY name nothing in the folder any more.
  const uidsOf = (uidValidity: string, refs: readonly string[]) =>
    refs.flatMap((r) => {
      const [v, uid] = r.split('.');
      return v === uidValidity && uid ? [Number(uid)] : [];
    });
  const ensure = async (folder: string) => {
    const exists = (await client.list()).some((m) => m.path === folder);
    if (!exists) await client.mailboxCreate(folder);
  };
  const transfer = async (how: 'messageMove' | 'messageCopy', folder: string, refs: readonly string[], target: string): Promise<RefMap> => {
    await ensure(target);
    const { lock, uidValidity } = await select(folder);
    try {
      const uids = uidsOf(uidValidity, refs);
      const out: RefMap = new Map();
      if (uids.length === 0) return out;
      const res = await client[how](uids.join(','), target, { uid: true });
      if (res === false) throw new Error(`the server refused to ${how === 'messageMove' ? 'move' : 'copy'} messages to ${target}`);
      for (const uid of uids) {
        const to = res.uidMap?.get(uid);
        out.set(`${uidValidity}.${uid}`, to !== undefined && res.uidValidity !== undefined ? `${res.uidValidity}.${to}` : null);
      }
      return out;
    } finally {
      lock.release();
    }
  };
  const store = async (folder: string, refs: readonly string[], flag: string, add: boolean) => {
    const { lock, uidValidity } = await select(folder);
    try {
      const uids = uidsOf(uidValidity, refs);
      if (uids.length === 0) return;
      if (add) await client.messageFlagsAdd(uids.join(','), [flag], { uid: true });
      else await client.messageFlagsRemove(uids.join(','), [flag], { uid: true });
    } finally {
      lock.release();
    }
  };
  return {
    async present(folder, refs) {
      const { lock, uidValidity } = await select(folder);
      try {
        const uids = uidsOf(uidValidity, refs);
        if (uids.length === 0) return new Set();
        const found = (await client.search({ uid: uids.join(',') }, { uid: true })) || [];
        return new Set(found.map((u) => `${uidValidity}.${u}`));
      } finally {
        lock.release();
      }
    },
    move: (folder, refs, target) => transfer('messageMove', folder, refs, target),
    copy: (folder, refs, target) => transfer('messageCopy', folder, refs, target),
    addFlag: (folder, refs, flag) => store(folder, refs, flag, true),
    removeFlag: (folder, refs, flag) => store(folder, refs, flag, false),
    async findByMessageId(folder, messageId) {
      if (!(await client.list()).some((m) => m.path === folder)) return null;
      const { lock, uidValidity } = await select(folder);
      try {
        const found = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
        const last = found.at(-1);
        return last === undefined ? null : `${uidValidity}.${last}`;
      } finally {
        lock.release();
      }
    },
    async removeCopies(folder, refs) {
      const { lock, uidValidity } = await select(folder);
      try {
        const uids = uidsOf(uidValidity, refs);
        if (uids.length) await client.messageDelete(uids.join(','), { uid: true });
      } finally {
        lock.release();
      }
    },
  };
}

/** The Maildir info letter of each IMAP system flag. */
const MAILDIR_LETTER: Record<string, string> = Object.fromEntries(Object.entries(MAILDIR_FLAGS).map(([letter, flag]) => [flag, letter]));

async function setMaildirFlag(root: string, folder: string, ref: string, flag: string, add: boolean): Promise<void> {
  const letter = MAILDIR_LETTER[flag];
  const path = await findMessage(root, folder, ref);
  if (!letter || !path) return;
  const file = basename(path);
  const info = file.includes(':2,') ? file.slice(file.indexOf(':2,') + 3) : '';
  const letters = new Set(info.split('').filter(Boolean));
  if (add) letters.add(letter);
  else letters.delete(letter);
  const name = `${baseName(file)}:2,${[...letters].sort().join('')}`;
  await rename(path, join(dirname(dirname(path)), 'cur', name));
}

export function maildirFolderOps(root: string): FolderOps {
  let copies = 0;
  return {
    async present(folder, refs) {
      const out = new Set<string>();
      for (const r of refs) if (await findMessage(root, folder, r)) out.add(r);
      return out;
    },
    async move(folder, refs, target) {
      const out: RefMap = new Map();
      for (const r of refs) if (await moveMessage(root, r, folder, target)) out.set(r, r);
      return out;
    },
    async copy(folder, refs, target) {
      const out: RefMap = new Map();
      for (const r of refs) {
        // A new base name: two files of one name would be one message to a Maildir reader.
        const name = `${r}.copy${Date.now()}x${++copies}`;
        if (await copyMessage(root, r, folder, target, name)) out.set(r, name);
      }
      return out;
    },
    async addFlag(folder, refs, flag) {
      for (const r of refs) await setMaildirFlag(root, folder, r, flag, true);
    },
    async removeFlag(folder, refs, flag) {
      for (const r of refs) await setMaildirFlag(root, folder, r, flag, false);
    },
    async findByMessageId(folder, messageId) {
      for (const m of await readRecentMaildir(root, [folder], Number.MAX_SAFE_INTEGER, 65_536)) {
        if ((await summarize(m.raw)).messageId === messageId) return m.id;
      }
      return null;
    },
    async removeCopies(folder, refs) {
      for (const r of refs) await removeMessage(root, folder, r);
    },
  };
}
