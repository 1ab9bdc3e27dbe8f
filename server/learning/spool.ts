// The moves IMAPSieve reports, between the pipe helper and the store. The
// helper (a few lines of shell, run by Dovecot as the mail user while the
// user's MOVE waits) writes each move to `tmp/`, syncs it and renames it into
// `new/`: once it exits 0 the move is on disk. `ingestSpool` stores each file
// as a learning event (idempotent by the message's digest, so a file read
// twice after a crash teaches nothing twice) and only then deletes it.
//
// A spool file: three lines — "spam" or "ham", the user, the mailbox the
// message is in now — then the message exactly as Dovecot piped it.
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidUsername } from '../services/username.js';
import type { LearningRepository } from '../store/learning-repository.js';
import type { Direction } from './decide.js';
import { looksLikeMessage, summarize } from './message-summary.js';

export interface SpooledMove {
  direction: Direction;
  username: string;
  mailbox: string;
  raw: Buffer;
}

/** Parses one spool file; a string says why it is not a usable move. */
export function parseSpoolFile(data: Buffer, maxMessageBytes: number): SpooledMove | string {
  const lines: string[] = [];
  let at = 0;
  for (let i = 0; i < 3; i++) {
    const nl = data.indexOf(0x0a, at);
    if (nl < 0) return 'truncated: fewer than three header lines';
    lines.push(data.subarray(at, nl).toString('utf8'));
    at = nl + 1;
  }
  const [direction, username, mailbox] = lines as [string, string, string];
  if (direction !== 'spam' && direction !== 'ham') return `not spam or ham: ${JSON.stringify(direction.slice(0, 40))}`;
  if (!isValidUsername(username)) return `not a valid user name: ${JSON.stringify(username.slice(0, 80))}`;
  const raw = data.subarray(at);
  if (raw.length > maxMessageBytes) return `message larger than ${maxMessageBytes} bytes`;
  if (!looksLikeMessage(raw)) return 'no message (no header fields)';
  return { direction, username, mailbox, raw };
}

export interface IngestResult {
  /** Users who have new events to learn. */
  users: string[];
  recorded: number;
  repeats: number;
  /** Files set aside in bad/ with the reason. */
  rejected: Array<{ file: string; reason: string }>;
}

export async function ingestSpool(dir: string, repo: LearningRepository, opts: { junk: string; maxMessageBytes: number }): Promise<IngestResult> {
  const result: IngestResult = { users: [], recorded: 0, repeats: 0, rejected: [] };
  const newDir = join(dir, 'new');
  let files: string[];
  try {
    files = await readdir(newDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw err;
  }
  // Names start with the helper's nanosecond clock: sorted, they are the order the moves happened in.
  files.sort();
  const users = new Set<string>();
  for (const file of files) {
    const path = join(newDir, file);
    const move = parseSpoolFile(await readFile(path), opts.maxMessageBytes);
    if (typeof move === 'string') {
      await mkdir(join(dir, 'bad'), { recursive: true });
      await rename(path, join(dir, 'bad', file));
      result.rejected.push({ file, reason: move });
      continue;
    }
    const m = summarize(move.raw);
    const id = repo.recordMove({
      username: move.username,
      folder: opts.junk,
      sourceFolder: move.mailbox || opts.junk,
      direction: move.direction,
      reason: move.direction === 'spam' ? 'moved-in' : 'moved-out',
      digest: m.digest,
      messageId: m.messageId,
      subject: m.subject,
      sender: m.sender,
      raw: move.raw,
    });
    if (id === null) result.repeats++;
    else {
      result.recorded++;
      users.add(move.username);
    }
    await unlink(path);
  }
  result.users = [...users];
  return result;
}

/** Calls `onChange` when a move lands in the spool's new/ (created if missing). */
export function watchSpool(dir: string, onChange: () => void): FSWatcher {
  mkdirSync(join(dir, 'new'), { recursive: true });
  return watch(join(dir, 'new'), onChange);
}
