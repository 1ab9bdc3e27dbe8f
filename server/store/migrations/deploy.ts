// Deploy outbox tables (versions 100-199).
// deploy_outbox: one row per requested deploy. A newer request for a user
// supersedes the older pending one (only the latest version matters); a
// running row holds a lease so a crashed worker's row is claimed again once
// the lease runs out. deploy_current: what is live per user, and whether
// the server's compiler checked it (unverified holds why not).
import type { Migration } from './index.js';

export const deployMigrations: Migration[] = [
  {
    version: 100,
    name: 'deploy outbox',
    sql: `
CREATE TABLE deploy_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  version INTEGER NOT NULL,
  sieve TEXT NOT NULL,
  prefs TEXT NOT NULL,
  target TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'deployed', 'failed', 'superseded')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error TEXT,
  error_code TEXT,
  error_line INTEGER,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX deploy_outbox_due ON deploy_outbox (state, next_attempt_at);
CREATE INDEX deploy_outbox_user ON deploy_outbox (username, state);
CREATE TABLE deploy_current (
  username TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  target TEXT NOT NULL,
  deployed_at TEXT NOT NULL
);
`,
  },
  {
    version: 101,
    name: 'deploy verification',
    // Scripts the directory target wrote before it compiled them were never checked.
    sql: `
ALTER TABLE deploy_outbox ADD COLUMN error_rule TEXT;
ALTER TABLE deploy_current ADD COLUMN unverified TEXT;
UPDATE deploy_current SET unverified = 'written before sievewright checked scripts with the server''s compiler' WHERE target LIKE 'directory:%';
`,
  },
  {
    version: 102,
    name: 'snake_case deploy error codes',
    // The codes became one closed set in the HTTP API's naming style; older rows keep failing the same way under the new word.
    sql: `
UPDATE deploy_outbox SET error_code = 'foreign_active' WHERE error_code = 'foreign-active';
UPDATE deploy_outbox SET error_code = 'invalid_user' WHERE error_code = 'invalid-user';
`,
  },
];
