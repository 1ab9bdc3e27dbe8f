// Files and symlinks replaced atomically: written under a temporary name in
// the same directory, flushed, then renamed over the old one, so a reader
// (Dovecot at delivery) sees either the old or the new file, never a
// half-written one, even if the process dies midway.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface Ownership {
  uid: number;
  gid: number;
}

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Creates `dir` and its missing parents. When running as root, new
 * directories take the owner of the nearest existing ancestor (the mail
 * tree's owner, e.g. vmail), so the mail server can still write there.
 */
export async function ensureDir(dir: string): Promise<Ownership | null> {
  const missing: string[] = [];
  let cur = dir;
  let stat = await fs.stat(cur).catch(() => null);
  while (!stat) {
    missing.unshift(cur);
    const parent = dirname(cur);
    if (parent === cur) break;
    cur = parent;
    stat = await fs.stat(cur).catch(() => null);
  }
  const owner = stat && process.getuid?.() === 0 && stat.uid !== 0 ? { uid: stat.uid, gid: stat.gid } : null;
  for (const d of missing) {
    await fs.mkdir(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    if (owner) await fs.chown(d, owner.uid, owner.gid);
  }
  return owner;
}

/** Prepares `tmp` (its owner, a check), renames it over `path` and makes the rename durable; removes `tmp` on failure. */
async function commit(tmp: string, path: string, prepare: (() => Promise<void>) | null): Promise<void> {
  try {
    if (prepare) await prepare();
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dirname(path));
}

export interface WriteOptions {
  mode?: number;
  /**
   * Runs on the complete temporary file just before it replaces `path`; when
   * it throws, `path` is left as it was and the temporary file is removed.
   */
  beforeRename?: (tmp: string) => Promise<void>;
}

export async function writeFileAtomic(path: string, content: string, owner: Ownership | null, opts: WriteOptions = {}): Promise<void> {
  const tmp = tempName(path);
  const h = await fs.open(tmp, 'wx', opts.mode ?? 0o644);
  try {
    await h.writeFile(content, 'utf8');
    await h.sync();
  } finally {
    await h.close();
  }
  const { beforeRename } = opts;
  await commit(tmp, path, async () => {
    if (owner) await fs.chown(tmp, owner.uid, owner.gid);
    if (beforeRename) await beforeRename(tmp);
  });
}

/** Points `linkPath` at `target` by renaming a fresh symlink over it (rename(2) replaces atomically). */
export async function replaceSymlink(linkPath: string, target: string, owner: Ownership | null): Promise<void> {
  const tmp = tempName(linkPath);
  await fs.symlink(target, tmp);
  await commit(tmp, linkPath, owner && (() => fs.lchown(tmp, owner.uid, owner.gid)));
}
