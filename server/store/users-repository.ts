// Users: who may log in (embedded mode keeps a password hash; IMAP mode only
// remembers that the user exists), which overridable admin rules each user
// switched off, and which foreign active Sieve script (by name) the user
// agreed sievewright may replace.
import type { Db } from './db.js';

export interface User {
  username: string;
  passwordHash: string | null;
  disabledDefaults: string[];
  /** The foreign script the user agreed sievewright may deactivate; null until they do. */
  replaceConsent: string | null;
  createdAt: string;
  lastLoginAt: string | null;
}

interface Row {
  username: string;
  password_hash: string | null;
  disabled_defaults: string;
  replace_consent: string | null;
  created_at: string;
  last_login_at: string | null;
}

function toUser(r: Row): User {
  return {
    username: r.username,
    passwordHash: r.password_hash,
    disabledDefaults: JSON.parse(r.disabled_defaults) as string[],
    replaceConsent: r.replace_consent,
    createdAt: r.created_at,
    lastLoginAt: r.last_login_at,
  };
}

export class UsersRepository {
  private readonly byName;
  private readonly insert;
  private readonly all;
  private readonly consentOf;

  constructor(private readonly db: Db) {
    this.byName = db.prepare<[string], Row>('SELECT * FROM users WHERE username = ?');
    this.insert = db.prepare<[string, string | null]>('INSERT OR IGNORE INTO users (username, password_hash) VALUES (?, ?)');
    this.all = db.prepare<[], Row>('SELECT * FROM users ORDER BY username');
    this.consentOf = db.prepare<[string], { replace_consent: string | null }>('SELECT replace_consent FROM users WHERE username = ?');
  }

  get(username: string): User | undefined {
    const r = this.byName.get(username);
    return r && toUser(r);
  }

  /** Creates the user if missing; an existing user is left as is. */
  ensure(username: string, passwordHash: string | null = null): void {
    this.insert.run(username, passwordHash);
  }

  setPasswordHash(username: string, hash: string): void {
    this.db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(hash, username);
  }

  setDisabledDefaults(username: string, names: readonly string[]): void {
    this.db.prepare('UPDATE users SET disabled_defaults = ? WHERE username = ?').run(JSON.stringify([...new Set(names)]), username);
  }

  /** One name: a newer consent replaces the older one. */
  setReplaceConsent(username: string, scriptName: string): void {
    this.db.prepare('UPDATE users SET replace_consent = ? WHERE username = ?').run(scriptName, username);
  }

  /** Asked on every deploy claim, hence its own prepared statement. */
  replaceConsent(username: string): string | null {
    return this.consentOf.get(username)?.replace_consent ?? null;
  }

  recordLogin(username: string): void {
    this.db.prepare("UPDATE users SET last_login_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE username = ?").run(username);
  }

  list(): User[] {
    return this.all.all().map(toUser);
  }

  /** Users by username from `offset`, at most `limit` (the admin's users page). */
  page(offset: number, limit: number): User[] {
    return this.db.prepare<[number, number], Row>('SELECT * FROM users ORDER BY username LIMIT ? OFFSET ?').all(limit, offset).map(toUser);
  }

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users').get()!.n;
  }

  usernames(): string[] {
    return this.db.prepare<[], { username: string }>('SELECT username FROM users ORDER BY username').all().map((r) => r.username);
  }
}
