// All SQL of Junk-folder learning. A pass commits its cursor, the tracked
// Junk contents and the new learning intents in one transaction, so a crash
// either loses the whole pass (it is redone) or keeps all of it (its intents
// are re-driven): never half.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Db } from './db.js';
import type { Direction, TrackedMessage } from '../learning/decide.js';

export interface Cursor {
  uidValidity: number;
  uidNext: number;
  highestModseq: bigint | null;
  messages: number;
}

export type EventState = 'pending' | 'done' | 'failed' | 'skipped';

export interface LearningEvent {
  id: number;
  username: string;
  folder: string;
  /** Null for a move reported by IMAPSieve (it names no UID). */
  uidValidity: number | null;
  uid: number | null;
  messageId: string | null;
  subject: string | null;
  sender: string | null;
  direction: Direction;
  reason: string;
  sourceFolder: string;
  state: EventState;
  /** 'learned', 'already-learned' (SpamAssassin knew it), or null until done. */
  result: string | null;
  error: string | null;
  attempts: number;
  createdAt: string;
  learnedAt: string | null;
}

export type NewEvent = Pick<LearningEvent, 'messageId' | 'subject' | 'sender' | 'direction' | 'reason' | 'sourceFolder' | 'folder'> & {
  uidValidity: number;
  uid: number;
  /** The message as fetched, kept until it is learned. Null: skipped with `skipReason`. */
  raw: Buffer | null;
  skipReason?: string;
};

/** A move IMAPSieve reported: the message itself, identified by its digest. */
export type MoveEvent = Pick<LearningEvent, 'username' | 'folder' | 'messageId' | 'subject' | 'sender' | 'direction' | 'reason' | 'sourceFolder'> & {
  digest: string;
  raw: Buffer;
};

export interface RunRetention {
  /** Runs that started before this many days ago go... */
  maxAgeDays: number;
  /** ...and of the rest, only this many newest per user stay. */
  keepPerUser: number;
}

export interface PendingEvent {
  id: number;
  direction: Direction;
  raw: Buffer;
}

export interface PassCommit {
  username: string;
  folder: string;
  cursor: Cursor;
  /** Replace every tracked message of this user/folder (baseline after a UIDVALIDITY change). */
  replaceAll?: boolean;
  upsert: TrackedMessage[];
  remove: number[];
  events: NewEvent[];
}

interface EventRow {
  id: number;
  username: string;
  folder: string;
  uid_validity: number | null;
  uid: number | null;
  message_id: string | null;
  subject: string | null;
  sender: string | null;
  direction: Direction;
  reason: string;
  source_folder: string;
  state: EventState;
  result: string | null;
  error: string | null;
  attempts: number;
  created_at: string;
  learned_at: string | null;
}

const b = (v: boolean) => (v ? 1 : 0);

export class LearningRepository {
  constructor(private readonly db: Db) {}

  getCursor(username: string, folder: string): Cursor | null {
    const r = this.db
      .prepare('SELECT uid_validity, uid_next, highest_modseq, messages FROM learning_cursors WHERE username = ? AND folder = ?')
      .get(username, folder) as { uid_validity: number; uid_next: number; highest_modseq: string | null; messages: number } | undefined;
    if (!r) return null;
    return { uidValidity: r.uid_validity, uidNext: r.uid_next, highestModseq: r.highest_modseq === null ? null : BigInt(r.highest_modseq), messages: r.messages };
  }

  tracked(username: string, folder: string, uidValidity: number): Map<number, TrackedMessage> {
    const rows = this.db
      .prepare('SELECT uid, message_id, filtered, junk_flag, not_junk_flag, spam_decided, ham_decided FROM learning_tracked WHERE username = ? AND folder = ? AND uid_validity = ?')
      .all(username, folder, uidValidity) as Array<{ uid: number; message_id: string | null; filtered: number; junk_flag: number; not_junk_flag: number; spam_decided: number; ham_decided: number }>;
    return new Map(
      rows.map((r) => [
        r.uid,
        { uid: r.uid, messageId: r.message_id, filtered: !!r.filtered, junkFlag: !!r.junk_flag, notJunkFlag: !!r.not_junk_flag, spamDecided: !!r.spam_decided, hamDecided: !!r.ham_decided },
      ]),
    );
  }

  /** Writes a pass atomically; returns how many intents were new (replays are ignored). */
  commitPass(c: PassCommit): number {
    const { username, folder, cursor } = c;
    return this.db.transaction(() => {
      if (c.replaceAll) this.db.prepare('DELETE FROM learning_tracked WHERE username = ? AND folder = ?').run(username, folder);
      const upsert = this.db.prepare(`INSERT INTO learning_tracked (username, folder, uid_validity, uid, message_id, filtered, junk_flag, not_junk_flag, spam_decided, ham_decided)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (username, folder, uid_validity, uid) DO UPDATE SET message_id = excluded.message_id, filtered = excluded.filtered,
          junk_flag = excluded.junk_flag, not_junk_flag = excluded.not_junk_flag, spam_decided = excluded.spam_decided, ham_decided = excluded.ham_decided`);
      for (const m of c.upsert) {
        upsert.run(username, folder, cursor.uidValidity, m.uid, m.messageId, b(m.filtered), b(m.junkFlag), b(m.notJunkFlag), b(m.spamDecided), b(m.hamDecided));
      }
      const del = this.db.prepare('DELETE FROM learning_tracked WHERE username = ? AND folder = ? AND uid_validity = ? AND uid = ?');
      for (const uid of c.remove) del.run(username, folder, cursor.uidValidity, uid);
      const insert = this.db.prepare(`INSERT OR IGNORE INTO learning_events
        (username, folder, uid_validity, uid, message_id, subject, sender, direction, reason, source_folder, state, error, raw)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      let created = 0;
      for (const e of c.events) {
        const state: EventState = e.raw ? 'pending' : 'skipped';
        created += insert.run(username, e.folder, e.uidValidity, e.uid, e.messageId, e.subject, e.sender, e.direction, e.reason, e.sourceFolder, state, e.raw ? null : (e.skipReason ?? null), e.raw).changes;
      }
      this.db
        .prepare(`INSERT INTO learning_cursors (username, folder, uid_validity, uid_next, highest_modseq, messages, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))
          ON CONFLICT (username, folder) DO UPDATE SET uid_validity = excluded.uid_validity, uid_next = excluded.uid_next,
            highest_modseq = excluded.highest_modseq, messages = excluded.messages, updated_at = excluded.updated_at`)
        .run(username, folder, cursor.uidValidity, cursor.uidNext, cursor.highestModseq === null ? null : cursor.highestModseq.toString(), cursor.messages);
      return created;
    })();
  }

  /**
   * Intents not yet learned, oldest first: the order moves happened in. One
   * that failed `maxAttempts` times stops being retried (it stays in the
   * backlog with its error) so it cannot hold up the rest for ever.
   */
  pending(username: string, limit = 500, maxAttempts = 5): PendingEvent[] {
    return this.db
      .prepare("SELECT id, direction, raw FROM learning_events WHERE username = ? AND (state = 'pending' OR (state = 'failed' AND attempts < ?)) AND raw IS NOT NULL ORDER BY id LIMIT ?")
      .all(username, maxAttempts, limit) as PendingEvent[];
  }

  markLearned(id: number, result: string): void {
    this.db
      .prepare(`UPDATE learning_events SET state = 'done', result = ?, error = NULL, raw = NULL, attempts = attempts + 1,
        learned_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`)
      .run(result, id);
  }

  markFailed(id: number, error: string): void {
    this.db
      .prepare(`UPDATE learning_events SET state = 'failed', error = ?, attempts = attempts + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`)
      .run(error, id);
  }

  /**
   * Records a move unless it repeats what the message last taught this user
   * (a second copy into Junk, a replayed pipe call): the event is new only
   * when the message's latest direction differs. Returns the new event's id,
   * or null for a repeat.
   */
  recordMove(e: MoveEvent): number | null {
    return this.db.transaction(() => {
      const last = this.db
        .prepare<[string, string], { direction: Direction }>('SELECT direction FROM learning_events WHERE username = ? AND digest = ? ORDER BY id DESC LIMIT 1')
        .get(e.username, e.digest);
      if (last?.direction === e.direction) return null;
      const r = this.db
        .prepare(`INSERT INTO learning_events (username, folder, message_id, subject, sender, direction, reason, source_folder, state, raw, digest)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`)
        .run(e.username, e.folder, e.messageId, e.subject, e.sender, e.direction, e.reason, e.sourceFolder, e.raw, e.digest);
      return Number(r.lastInsertRowid);
    }).immediate();
  }

  /** Users with something left to learn (what the event service retries), oldest backlog first. */
  usersWithBacklog(limit = 1000, maxAttempts = 5): string[] {
    return this.db
      .prepare<[number, number], { username: string }>(
        "SELECT username FROM learning_events WHERE (state = 'pending' OR (state = 'failed' AND attempts < ?)) AND raw IS NOT NULL GROUP BY username ORDER BY MIN(id) LIMIT ?",
      )
      .all(maxAttempts, limit)
      .map((r) => r.username);
  }

  /**
   * The learner could not be reached (spamd down): the intent stays pending
   * with the reason, and the outage does not count as one of its attempts.
   */
  markDeferred(id: number, error: string): void {
    this.db.prepare(`UPDATE learning_events SET error = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?`).run(error, id);
  }

  startRun(username: string): number {
    return Number(this.db.prepare('INSERT INTO learning_runs (username) VALUES (?)').run(username).lastInsertRowid);
  }

  finishRun(id: number, outcome: 'ok' | 'error' | 'timeout', learned: number, error: string | null): void {
    this.db
      .prepare("UPDATE learning_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), outcome = ?, learned = ?, error = ? WHERE id = ?")
      .run(outcome, learned, error, id);
  }

  /**
   * Deletes old run records: every run older than `maxAgeDays`, and beyond
   * the `keepPerUser` newest of a user. A user's latest run always stays, as
   * health() reports it. Returns how many went.
   */
  pruneRuns(r: RunRetention, now = Date.now()): number {
    const cutoff = new Date(now - r.maxAgeDays * 86_400_000).toISOString();
    return this.db
      .prepare(`DELETE FROM learning_runs WHERE id IN (
          SELECT id FROM (SELECT id, started_at, ROW_NUMBER() OVER (PARTITION BY username ORDER BY id DESC) AS n FROM learning_runs)
          WHERE n > 1 AND (n > ? OR started_at < ?))`)
      .run(r.keepPerUser, cutoff).changes;
  }

  /**
   * Takes the user's lease unless another live process holds it. A holder
   * that died (same host, pid gone) or overran its expiry loses it: a killed
   * watcher must not block the next one until the lease runs out.
   */
  acquireLease(username: string, owner: string, ttlMs: number, now = Date.now()): boolean {
    const host = hostname();
    return this.db.transaction(() => {
      const cur = this.db.prepare('SELECT owner, host, pid, expires_at FROM learning_leases WHERE username = ?').get(username) as
        | { owner: string; host: string; pid: number; expires_at: number }
        | undefined;
      const free = !cur || cur.owner === owner || cur.expires_at < now || (cur.host === host && !processAlive(cur.pid));
      if (!free) return false;
      this.db
        .prepare(`INSERT INTO learning_leases (username, owner, host, pid, expires_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (username) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid, expires_at = excluded.expires_at`)
        .run(username, owner, host, process.pid, now + ttlMs);
      return true;
    }).immediate();
  }

  releaseLease(username: string, owner: string): void {
    this.db.prepare('DELETE FROM learning_leases WHERE username = ? AND owner = ?').run(username, owner);
  }

  log(username: string, limit: number): LearningEvent[] {
    const rows = this.db
      .prepare(`SELECT id, username, folder, uid_validity, uid, message_id, subject, sender, direction, reason, source_folder, state, result, error, attempts, created_at, learned_at
        FROM learning_events WHERE username = ? ORDER BY id DESC LIMIT ?`)
      .all(username, limit) as EventRow[];
    return rows.map(toEvent);
  }

  /** Learned events per ISO week (Monday-based, 'YYYY-Www'), newest first. */
  weekly(username: string): Array<{ week: string; spam: number; ham: number }> {
    const rows = this.db
      .prepare("SELECT learned_at, direction FROM learning_events WHERE username = ? AND state = 'done' AND learned_at IS NOT NULL")
      .all(username) as Array<{ learned_at: string; direction: Direction }>;
    const weeks = new Map<string, { week: string; spam: number; ham: number }>();
    for (const r of rows) {
      const week = isoWeek(new Date(r.learned_at));
      const w = weeks.get(week) ?? { week, spam: 0, ham: 0 };
      w[r.direction]++;
      weeks.set(week, w);
    }
    return [...weeks.values()].sort((x, y) => (x.week < y.week ? 1 : -1));
  }

  health(): Array<{ username: string; lastRun: string | null; lastError: string | null; backlog: number }> {
    const rows = this.db
      .prepare(`WITH users AS (
          SELECT username FROM learning_runs UNION SELECT username FROM learning_events UNION SELECT username FROM learning_cursors),
        last AS (SELECT username, MAX(id) AS id FROM learning_runs GROUP BY username)
        SELECT u.username,
          r.started_at AS last_run,
          CASE WHEN r.outcome = 'ok' THEN NULL ELSE COALESCE(r.error, (SELECT e.error FROM learning_events e WHERE e.username = u.username AND e.state = 'failed' ORDER BY e.id DESC LIMIT 1)) END AS last_error,
          (SELECT COUNT(*) FROM learning_events e WHERE e.username = u.username AND e.state IN ('pending','failed')) AS backlog
        FROM users u LEFT JOIN last l ON l.username = u.username LEFT JOIN learning_runs r ON r.id = l.id
        ORDER BY u.username`)
      .all() as Array<{ username: string; last_run: string | null; last_error: string | null; backlog: number }>;
    return rows.map((r) => ({ username: r.username, lastRun: r.last_run, lastError: r.last_error, backlog: r.backlog }));
  }
}

function toEvent(r: EventRow): LearningEvent {
  return {
    id: r.id,
    username: r.username,
    folder: r.folder,
    uidValidity: r.uid_validity,
    uid: r.uid,
    messageId: r.message_id,
    subject: r.subject,
    sender: r.sender,
    direction: r.direction,
    reason: r.reason,
    sourceFolder: r.source_folder,
    state: r.state,
    result: r.result,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.created_at,
    learnedAt: r.learned_at,
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process can linger as a zombie until its parent reaps it.
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** ISO 8601 week of a date in UTC, e.g. '2026-W48'. */
export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day); // Thursday decides the year
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
