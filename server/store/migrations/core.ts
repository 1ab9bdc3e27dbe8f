// Core tables: users, rule-set history, admin defaults and policy, sessions,
// audit log. Versions 1-99. Forward-only: never edit a shipped migration,
// add a new one.
import type { Migration } from './index.js';

export const coreMigrations: Migration[] = [
  {
    version: 1,
    name: 'core: users, rule versions, defaults, policy, sessions, audit',
    sql: `
      CREATE TABLE users (
        username TEXT PRIMARY KEY,
        -- Embedded mode only: scrypt hash. NULL for users who log in against IMAP.
        password_hash TEXT,
        -- Names of overridable admin rules this user switched off (JSON array).
        disabled_defaults TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        last_login_at TEXT
      );
      CREATE TABLE rule_versions (
        username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        rule_set TEXT NOT NULL,
        author TEXT NOT NULL,
        summary TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        PRIMARY KEY (username, version)
      ) WITHOUT ROWID;
      CREATE TABLE default_versions (
        version INTEGER PRIMARY KEY,
        rule_set TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      CREATE TABLE policy (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        body TEXT NOT NULL,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
      CREATE TABLE sessions (
        sid TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_expires ON sessions(expires_at);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '{}',
        alert INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX audit_alert ON audit_log(alert, id);
      CREATE TABLE app_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'core: the foreign Sieve script a user agreed sievewright may replace',
    sql: `
      -- By name: the consent covers that one script, not whatever else is active later.
      ALTER TABLE users ADD COLUMN replace_consent TEXT;
    `,
  },
];
