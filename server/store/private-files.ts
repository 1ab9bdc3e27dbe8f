// Files only the server's own user may read: the database (password hashes,
// sessions), its WAL and shared-memory files, backups and the session
// secret. New ones are created 0600 in a 0700 directory; ones left by an
// older version with wider modes are tightened when they are ours.
import { chmodSync, closeSync, constants, fstatSync, fchmodSync, lstatSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

function ownedByMe(uid: number): boolean {
  return process.getuid === undefined || uid === process.getuid();
}

/** Creates `dir` (and parents) 0700; an existing directory of ours loses group and other access. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  const st = statSync(dir);
  if ((st.mode & 0o077) !== 0 && ownedByMe(st.uid)) chmodSync(dir, PRIVATE_DIR);
}

/** Creates `file` empty and 0600 when absent; tightens an existing one of ours. Never follows a symlink. */
export function ensurePrivateFile(file: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, PRIVATE_FILE);
  try {
    const st = fstatSync(fd);
    if ((st.mode & 0o077) !== 0 && ownedByMe(st.uid)) fchmodSync(fd, PRIVATE_FILE);
  } finally {
    closeSync(fd);
  }
}

/** Tightens `file` when it exists (a WAL or shared-memory file SQLite made before). */
export function tightenIfPresent(file: string): void {
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (st?.isFile() && (st.mode & 0o077) !== 0 && ownedByMe(st.uid)) chmodSync(file, PRIVATE_FILE);
}

/**
 * Creates `file` new, empty and 0600, refusing one that exists in any form,
 * a symlink (even a dangling one) included: a backup must never be written
 * through a link planted in its place.
 */
export function createPrivateFile(file: string): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, PRIVATE_FILE);
  closeSync(fd);
}
