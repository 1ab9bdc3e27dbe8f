// Persisted web sessions, so a restart does not log everyone out.
import type { Db } from './db.js';

export class SessionsRepository {
  private readonly getStmt;
  private readonly setStmt;
  private readonly delStmt;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string], { data: string; expires_at: number }>('SELECT data, expires_at FROM sessions WHERE sid = ?');
    this.setStmt = db.prepare<[string, string, number]>(
      'INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?) ON CONFLICT(sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at',
    );
    this.delStmt = db.prepare<[string]>('DELETE FROM sessions WHERE sid = ?');
  }

  /** The stored session data, or undefined when missing or expired at `now`. */
  get(sid: string, now: number): string | undefined {
    const r = this.getStmt.get(sid);
    if (!r) return undefined;
    if (r.expires_at <= now) {
      this.delStmt.run(sid);
      return undefined;
    }
    return r.data;
  }

  set(sid: string, data: string, expiresAt: number): void {
    this.setStmt.run(sid, data, expiresAt);
  }

  destroy(sid: string): void {
    this.delStmt.run(sid);
  }

  purgeExpired(now: number): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }

  /** Logs a user out everywhere. Session data is JSON holding `user.username`. */
  destroyForUser(username: string): number {
    return this.db.prepare("DELETE FROM sessions WHERE json_extract(data, '$.user.username') = ?").run(username).changes;
  }
}
