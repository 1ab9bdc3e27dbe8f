// A user's Maildir as Dovecot lays it out by default (Maildir++): INBOX is
// the root's cur/ and new/, folder `Lists/Dev` is the directory `.Lists.Dev`.
// The embedded default has no IMAP server, so "try rules on my recent mail"
// reads the demo user's messages straight from these files, and "apply to
// existing mail" moves them by renaming a file from one folder to another
// (what Dovecot's own maildir MOVE does on one file system).
import { closeSync, openSync, readSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class MaildirFolderError extends Error {
  constructor(folder: string) {
    super(`folder name not usable in a Maildir: ${JSON.stringify(folder)}`);
    this.name = 'MaildirFolderError';
  }
}

/** The directory of a folder; Maildir++ cannot hold a `.` inside a name, nor an empty level. */
export function folderDir(root: string, folder: string): string {
  if (folder === 'INBOX') return root;
  const parts = folder.split('/');
  if (parts.some((p) => p === '' || p.includes('.') || p.includes('\0') || p.includes('\\'))) throw new MaildirFolderError(folder);
  return join(root, `.${parts.join('.')}`);
}

export interface MaildirMessage {
  folder: string;
  /** The file name in cur/ or new/: the message's identity inside the folder. */
  id: string;
  /** The first `maxBytes` of the file, as latin1 (bytes preserved one to one). */
  raw: string;
  size: number;
  /** Delivery time (the file's mtime), the order "recent" means. */
  date: Date;
  /** The IMAP system flags its info part (`:2,FS`) carries. */
  flags: string[];
}

/** Maildir info letters and the IMAP flags they stand for. */
export const MAILDIR_FLAGS: Readonly<Record<string, string>> = { F: '\\Flagged', S: '\\Seen', R: '\\Answered', T: '\\Deleted', D: '\\Draft' };

function flagsOf(file: string): string[] {
  const info = file.indexOf(':2,');
  return info < 0 ? [] : [...file.slice(info + 3)].flatMap((c) => (MAILDIR_FLAGS[c] ? [MAILDIR_FLAGS[c]] : []));
}

/** The base name without Maildir's `:2,FLAGS` info part. */
export function baseName(file: string): string {
  const colon = file.indexOf(':');
  return colon < 0 ? file : file.slice(0, colon);
}

async function listFolder(root: string, folder: string): Promise<Array<{ path: string; file: string; mtime: Date; size: number }>> {
  const dir = folderDir(root, folder);
  const out: Array<{ path: string; file: string; mtime: Date; size: number }> = [];
  for (const sub of ['new', 'cur']) {
    let files: string[];
    try {
      files = await readdir(join(dir, sub));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const file of files) {
      if (file.startsWith('.')) continue;
      const path = join(dir, sub, file);
      const st = await stat(path).catch(() => null);
      if (st?.isFile()) out.push({ path, file, mtime: st.mtime, size: st.size });
    }
  }
  return out;
}

function readHead(path: string, maxBytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(maxBytes);
    const n = readSync(fd, buf, 0, maxBytes, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** The newest `limit` messages over `folders`, newest first; a folder that does not exist holds none. */
export async function readRecentMaildir(root: string, folders: readonly string[], limit: number, maxBytes: number): Promise<MaildirMessage[]> {
  const all: Array<{ folder: string; path: string; file: string; mtime: Date; size: number }> = [];
  for (const folder of folders) for (const f of await listFolder(root, folder)) all.push({ folder, ...f });
  all.sort((a, b) => b.mtime.getTime() - a.mtime.getTime() || a.file.localeCompare(b.file));
  return all
    .slice(0, limit)
    .map((f) => ({ folder: f.folder, id: baseName(f.file), raw: readHead(f.path, maxBytes), size: f.size, date: f.mtime, flags: flagsOf(f.file) }));
}

async function ensureFolder(root: string, folder: string): Promise<string> {
  const dir = folderDir(root, folder);
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(dir, sub), { recursive: true });
  return dir;
}

/** Where a message of `folder` with base name `id` lies now; null when it is not there. */
export async function findMessage(root: string, folder: string, id: string): Promise<string | null> {
  for (const f of await listFolder(root, folder)) if (baseName(f.file) === id) return f.path;
  return null;
}

/**
 * Moves a message between folders by rename, keeping its file name (so its
 * flags and identity). Resolves false when it is not in `from` any more.
 */
export async function moveMessage(root: string, id: string, from: string, to: string): Promise<boolean> {
  const path = await findMessage(root, from, id);
  if (!path) return false;
  const dir = await ensureFolder(root, to);
  const file = path.slice(path.lastIndexOf('/') + 1);
  await rename(path, join(dir, file.includes(':') ? 'cur' : 'new', file));
  return true;
}

/** Copies a message into another folder under a new base name; false when it is not in `from`. */
export async function copyMessage(root: string, id: string, from: string, to: string, newId: string): Promise<boolean> {
  const path = await findMessage(root, from, id);
  if (!path) return false;
  const dir = await ensureFolder(root, to);
  const tmp = join(dir, 'tmp', newId);
  await copyFile(path, tmp);
  await rename(tmp, join(dir, 'new', newId));
  return true;
}

/** Removes a message file; only for taking back a copy this program made. */
export async function removeMessage(root: string, folder: string, id: string): Promise<void> {
  const path = await findMessage(root, folder, id);
  if (path) await rm(path);
}

/** Delivers a message into a folder as an MDA would: written to tmp/, then renamed into new/. */
export async function deliverToMaildir(root: string, folder: string, name: string, text: string, mtime?: Date): Promise<void> {
  const dir = await ensureFolder(root, folder);
  const tmp = join(dir, 'tmp', name);
  await writeFile(tmp, text);
  if (mtime) await utimes(tmp, mtime, mtime);
  await rename(tmp, join(dir, 'new', name));
}
