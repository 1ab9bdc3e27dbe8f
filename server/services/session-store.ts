// @fastify/session store on SQLite, so sessions survive a restart. A row
// expires at the idle deadline (last seen + idle timeout) or the cookie's
// absolute end, whichever comes first; the auth hook checks both again.
import type { Session } from 'fastify';
import type { SessionStore } from '@fastify/session';
import type { SessionsRepository } from '../store/sessions-repository.js';

type Callback = (err?: unknown) => void;
type GetCallback = (err: unknown, session?: Session | null) => void;

export class SqliteSessionStore implements SessionStore {
  constructor(private readonly repo: SessionsRepository, private readonly idleMs: number) {}

  set(sid: string, session: Session, callback: Callback): void {
    try {
      const expires = (session as { cookie?: { expires?: string | Date | null } }).cookie?.expires;
      const idleEnd = (session.lastSeen ?? Date.now()) + this.idleMs;
      const exp = expires ? Math.min(new Date(expires).getTime(), idleEnd) : idleEnd;
      this.repo.set(sid, JSON.stringify(session), exp);
      callback();
    } catch (err) {
      callback(err);
    }
  }

  get(sid: string, callback: GetCallback): void {
    try {
      const data = this.repo.get(sid, Date.now());
      callback(null, data === undefined ? null : (JSON.parse(data) as Session));
    } catch (err) {
      callback(err);
    }
  }

  destroy(sid: string, callback: Callback): void {
    try {
      this.repo.destroy(sid);
      callback();
    } catch (err) {
      callback(err);
    }
  }
}
