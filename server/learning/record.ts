// One move reported by IMAPSieve: written to the store first, learned after.
// The event is durable before anything can fail, so a spamd outage or a
// killed process leaves it pending for the event service (`learn --events`)
// instead of losing it; the user's lease keeps the two from teaching it twice.
import { randomUUID } from 'node:crypto';
import type { LearningRepository } from '../store/learning-repository.js';
import type { Direction } from './decide.js';
import type { Learner } from './learner.js';
import { summarize } from './message-summary.js';
import { learnBacklog } from './runner.js';

export interface MoveInput {
  username: string;
  direction: Direction;
  /** The Junk folder (what the learning log groups by). */
  junk: string;
  /** Where the message is now: Junk for spam, the destination for ham. */
  mailbox: string | null;
  raw: Buffer;
}

export type RecordOutcome =
  /** The message already taught this direction last: nothing new. */
  | { kind: 'repeat' }
  /** Recorded; `error` says why it is still pending, if it is. */
  | { kind: 'recorded'; id: number; learned: number; error: string | null };

export async function recordAndLearn(repo: LearningRepository, learner: Learner, move: MoveInput, timeoutMs: number): Promise<RecordOutcome> {
  const m = summarize(move.raw);
  const id = repo.recordMove({
    username: move.username,
    folder: move.junk,
    sourceFolder: move.mailbox ?? move.junk,
    direction: move.direction,
    reason: move.direction === 'spam' ? 'moved-in' : 'moved-out',
    digest: m.digest,
    messageId: m.messageId,
    subject: m.subject,
    sender: m.sender,
    raw: move.raw,
  });
  if (id === null) return { kind: 'repeat' };
  const owner = randomUUID();
  if (!repo.acquireLease(move.username, owner, timeoutMs + 30_000)) {
    return { kind: 'recorded', id, learned: 0, error: 'another learner is busy with this user: left pending for it' };
  }
  try {
    // Everything pending for the user, oldest first: an earlier move that
    // was left pending must not be taught after this one.
    const r = await learnBacklog(repo, learner, move.username, AbortSignal.timeout(timeoutMs));
    return { kind: 'recorded', id, learned: r.learned, error: r.error };
  } finally {
    repo.releaseLease(move.username, owner);
  }
}
