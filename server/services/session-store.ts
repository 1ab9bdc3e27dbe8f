// @fastify/session store on SQLite, so sessions survive a restart. Expiry is
// the cookie's (idle timeout, extended on each request by `rolling`); the
// absolute limit is enforced by the auth hook from the login time.
import type { Session } from 'fastify';
import type { SessionStore } from '@fastify/session';
import type { SessionsRepository } from '../store/sessions-repository.js';

type Callback = (err?: unknown) => void;
type GetCallback = (err: unknown, session?: Session | null) => void;

export class SqliteSessionStore implements SessionStore {
  constructor(private readonly repo: SessionsRepository, private readonly fallbackTtlMs: number) {}

  set(sid: string, session: Session, callback: Callback): void {
    try {
      const expires = (session as { cookie?: { expires?: string | Date | null } }).cookie?.expires;
      const exp = expires ? new Date(expires).getTime() : Date.now() + this.fallbackTtlMs;
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
