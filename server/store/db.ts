// Opens the SQLite database and brings its schema up to date. Migrations are
// forward-only and versioned; each aggregate owns its own migration module
// and version range (see migrations/index.ts), so a new migration in one
// range may apply after a higher-numbered one from another: they touch
// different tables. Unknown applied versions (a newer database) are refused.
// The file holds password hashes and sessions: it is created 0600 in a 0700
// directory, and SQLite gives its -wal and -shm files the database's mode.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { dirname } from 'node:path';
import { allMigrations, type Migration } from './migrations/index.js';
import { ensurePrivateDir, ensurePrivateFile, tightenIfPresent } from './private-files.js';

export type Db = Database.Database;

export function openDatabase(path: string, migrations: readonly Migration[] = allMigrations): Db {
  if (path !== ':memory:') {
    ensurePrivateDir(dirname(path));
    ensurePrivateFile(path);
    for (const ext of ['-wal', '-shm']) tightenIfPresent(`${path}${ext}`);
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  migrate(db, migrations);
  return db;
}

/** The key a deploy text is stored under (deploy_blobs.hash); also SQL functions, so that a migration can move old rows. */
export function contentHash(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A deploy text as stored (deploy_blobs.body): compressed, Sieve and user_prefs shrink several times. */
export function packText(text: string): Buffer {
  return deflateRawSync(text);
}

export function unpackText(body: Buffer): string {
  return inflateRawSync(body).toString('utf8');
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  db.function('content_hash', { deterministic: true }, (text: unknown) => contentHash(String(text)));
  db.function('pack_text', { deterministic: true }, (text: unknown) => packText(String(text)));
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  )`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) {
      throw new Error(`two migrations share version ${sorted[i]!.version}`);
    }
  }
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').all().map((r) => (r as { version: number }).version),
  );
  const known = new Set(sorted.map((m) => m.version));
  for (const v of applied) {
    if (!known.has(v)) throw new Error(`database has migration ${v}, which this version does not know: refusing to run an older sievewright on a newer database`);
  }
  for (const m of sorted) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
    })();
  }
}

/** How many migrations this database has applied: none means it was never set up. */
export function appliedMigrationCount(db: Db): number {
  return db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM schema_migrations').get()?.n ?? 0;
}
