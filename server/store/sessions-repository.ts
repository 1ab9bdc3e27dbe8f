// Persisted web sessions, so a restart does not log everyone out. Every
// request reads its session, so recently used rows are also kept in memory
// (write-through): SQLite stays the truth, the copy only saves the read.
import type { Db } from './db.js';
import { DbGeneration } from './db-generation.js';

interface Cached {
  data: string;
  expiresAt: number;
  /** DbGeneration.byOthers() when read: another process may have changed the row since. */
  others: number;
}

export class SessionsRepository {
  private readonly getStmt;
  private readonly setStmt;
  private readonly delStmt;
  private readonly generation: DbGeneration;
  /** Insertion order is recency order: the first key is evicted first. */
  private readonly recent = new Map<string, Cached>();

  constructor(private readonly db: Db, private readonly maxCached = 5_000) {
    this.getStmt = db.prepare<[string], { data: string; expires_at: number }>('SELECT data, expires_at FROM sessions WHERE sid = ?');
    this.setStmt = db.prepare<[string, string, number]>(
      'INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?) ON CONFLICT(sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at',
    );
    this.delStmt = db.prepare<[string]>('DELETE FROM sessions WHERE sid = ?');
    this.generation = new DbGeneration(db);
  }

  /** The stored session data, or undefined when missing or expired at `now`. */
  get(sid: string, now: number): string | undefined {
    const others = this.generation.byOthers(now);
    let entry = this.recent.get(sid);
    this.recent.delete(sid);
    if (!entry || entry.others !== others) {
      const r = this.getStmt.get(sid);
      if (!r) return undefined;
      entry = { data: r.data, expiresAt: r.expires_at, others };
    }
    if (entry.expiresAt <= now) {
      this.delStmt.run(sid);
      return undefined;
    }
    this.remember(sid, entry);
    return entry.data;
  }

  set(sid: string, data: string, expiresAt: number): void {
    this.recent.delete(sid);
    this.setStmt.run(sid, data, expiresAt);
    this.remember(sid, { data, expiresAt, others: this.generation.byOthers() });
  }

  destroy(sid: string): void {
    this.recent.delete(sid);
    this.delStmt.run(sid);
  }

  purgeExpired(now: number): number {
    for (const [sid, entry] of this.recent) if (entry.expiresAt <= now) this.recent.delete(sid);
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }

  /** Logs a user out everywhere. Session data is JSON holding `user.username`. */
  destroyForUser(username: string): number {
    this.recent.clear();
    return this.db.prepare("DELETE FROM sessions WHERE json_extract(data, '$.user.username') = ?").run(username).changes;
  }

  private remember(sid: string, entry: Cached): void {
    this.recent.set(sid, entry);
    if (this.recent.size > this.maxCached) this.recent.delete(this.recent.keys().next().value!);
  }
}
