// Deploy outbox tables (versions 100-199).
// deploy_outbox: one row per requested deploy. A newer request for a user
// supersedes the older pending one (only the latest version matters); a
// running row holds a lease so a crashed worker's row is claimed again once
// the lease runs out. deploy_current: what is live per user, and whether
// the server's compiler checked it (unverified holds why not).
// deploy_blobs (103): scripts and user_prefs by content, compressed, so a state change
// rewrites a small row and a text shared by many users is stored once.
// deploy_counts (103): rows per state, kept by triggers, so progress and
// "anything left?" never count the queue.
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
  {
    version: 103,
    name: 'deploy texts by content, counters per state',
    // The texts move out of the rows, compressed (content_hash and pack_text are registered by db.ts); the table is rebuilt without them.
    sql: `
CREATE TABLE deploy_blobs (
  id INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  body BLOB NOT NULL
);
INSERT OR IGNORE INTO deploy_blobs (hash, body) SELECT content_hash(sieve), pack_text(sieve) FROM deploy_outbox;
INSERT OR IGNORE INTO deploy_blobs (hash, body) SELECT content_hash(prefs), pack_text(prefs) FROM deploy_outbox;
CREATE TABLE deploy_outbox_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  version INTEGER NOT NULL,
  sieve_blob INTEGER NOT NULL REFERENCES deploy_blobs (id),
  prefs_blob INTEGER NOT NULL REFERENCES deploy_blobs (id),
  target TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'deployed', 'failed', 'superseded')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error TEXT,
  error_code TEXT,
  error_line INTEGER,
  error_rule TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO deploy_outbox_new
  SELECT o.id, o.username, o.version, s.id, p.id, o.target, o.state, o.attempts, o.next_attempt_at, o.lease_owner, o.lease_until,
         o.last_error, o.error_code, o.error_line, o.error_rule, o.created_at, o.updated_at
  FROM deploy_outbox o
  JOIN deploy_blobs s ON s.hash = content_hash(o.sieve)
  JOIN deploy_blobs p ON p.hash = content_hash(o.prefs);
DROP TABLE deploy_outbox;
ALTER TABLE deploy_outbox_new RENAME TO deploy_outbox;
CREATE INDEX deploy_outbox_due ON deploy_outbox (state, next_attempt_at);
CREATE INDEX deploy_outbox_user ON deploy_outbox (username, state);
CREATE INDEX deploy_outbox_sieve_blob ON deploy_outbox (sieve_blob);
CREATE INDEX deploy_outbox_prefs_blob ON deploy_outbox (prefs_blob);
CREATE TABLE deploy_counts (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO deploy_counts (state, n)
  SELECT s.state, (SELECT COUNT(*) FROM deploy_outbox o WHERE o.state = s.state)
  FROM (SELECT 'pending' AS state UNION ALL SELECT 'running' UNION ALL SELECT 'deployed' UNION ALL SELECT 'failed' UNION ALL SELECT 'superseded') s;
CREATE TRIGGER deploy_outbox_counted_insert AFTER INSERT ON deploy_outbox BEGIN
  UPDATE deploy_counts SET n = n + 1 WHERE state = NEW.state;
END;
CREATE TRIGGER deploy_outbox_counted_state AFTER UPDATE OF state ON deploy_outbox WHEN OLD.state <> NEW.state BEGIN
  UPDATE deploy_counts SET n = n - 1 WHERE state = OLD.state;
  UPDATE deploy_counts SET n = n + 1 WHERE state = NEW.state;
END;
-- A deleted row also frees the texts no other row refers to.
CREATE TRIGGER deploy_outbox_counted_delete AFTER DELETE ON deploy_outbox BEGIN
  UPDATE deploy_counts SET n = n - 1 WHERE state = OLD.state;
  DELETE FROM deploy_blobs WHERE id IN (OLD.sieve_blob, OLD.prefs_blob)
    AND NOT EXISTS (SELECT 1 FROM deploy_outbox o WHERE o.sieve_blob = deploy_blobs.id)
    AND NOT EXISTS (SELECT 1 FROM deploy_outbox o WHERE o.prefs_blob = deploy_blobs.id);
END;
`,
  },
];
