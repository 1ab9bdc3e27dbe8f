// Junk-folder learning: where each user's Junk folder was read up to, what it
// held, one event per message to learn (intent written before learning, state
// after), runs for health, and a per-user lease so runs never overlap.
import type { Migration } from './index.js';

export const learningMigrations: Migration[] = [
  {
    version: 200,
    name: 'learning: cursors, tracked Junk messages, events, runs, leases',
    sql: `
CREATE TABLE learning_cursors (
  username TEXT NOT NULL,
  folder TEXT NOT NULL,
  uid_validity INTEGER NOT NULL,
  uid_next INTEGER NOT NULL,
  -- 63-bit modseq as decimal text (beyond JavaScript's safe integers); NULL without CONDSTORE
  highest_modseq TEXT,
  messages INTEGER NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (username, folder)
);

CREATE TABLE learning_tracked (
  username TEXT NOT NULL,
  folder TEXT NOT NULL,
  uid_validity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  message_id TEXT,
  filtered INTEGER NOT NULL,
  junk_flag INTEGER NOT NULL,
  not_junk_flag INTEGER NOT NULL,
  spam_decided INTEGER NOT NULL,
  ham_decided INTEGER NOT NULL,
  PRIMARY KEY (username, folder, uid_validity, uid)
) WITHOUT ROWID;

CREATE TABLE learning_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  folder TEXT NOT NULL,
  uid_validity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  message_id TEXT,
  subject TEXT,
  sender TEXT,
  direction TEXT NOT NULL CHECK (direction IN ('spam','ham')),
  reason TEXT NOT NULL,
  source_folder TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','done','failed','skipped')),
  result TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  raw BLOB,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  learned_at TEXT,
  -- exactly once per direction for one stay of a message in Junk
  UNIQUE (username, folder, uid_validity, uid, direction)
);
CREATE INDEX learning_events_user_state ON learning_events (username, state, id);
CREATE INDEX learning_events_user_created ON learning_events (username, created_at);

CREATE TABLE learning_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at TEXT,
  outcome TEXT CHECK (outcome IN ('ok','error','timeout')),
  error TEXT,
  learned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX learning_runs_user ON learning_runs (username, id);

CREATE TABLE learning_leases (
  username TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
`,
  },
  {
    version: 210,
    name: 'learning: move events recorded by the IMAPSieve pipe program (no UID, a content digest instead)',
    // SQLite cannot relax NOT NULL in place: the table is rebuilt. A pipe
    // event has no UID (NULL, which UNIQUE never treats as equal), and its
    // idempotence comes from the digest of the message instead.
    sql: `
CREATE TABLE learning_events_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  folder TEXT NOT NULL,
  uid_validity INTEGER,
  uid INTEGER,
  message_id TEXT,
  subject TEXT,
  sender TEXT,
  direction TEXT NOT NULL CHECK (direction IN ('spam','ham')),
  reason TEXT NOT NULL,
  source_folder TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending','done','failed','skipped')),
  result TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  raw BLOB,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  learned_at TEXT,
  -- SHA-256 of the message as piped by IMAPSieve; NULL for events of a Junk scan
  digest TEXT,
  CHECK ((uid IS NULL) = (digest IS NOT NULL)),
  UNIQUE (username, folder, uid_validity, uid, direction)
);
INSERT INTO learning_events_new (id, username, folder, uid_validity, uid, message_id, subject, sender, direction, reason, source_folder,
  state, result, error, attempts, raw, created_at, updated_at, learned_at)
  SELECT id, username, folder, uid_validity, uid, message_id, subject, sender, direction, reason, source_folder,
  state, result, error, attempts, raw, created_at, updated_at, learned_at FROM learning_events;
DROP TABLE learning_events;
ALTER TABLE learning_events_new RENAME TO learning_events;
CREATE INDEX learning_events_user_state ON learning_events (username, state, id);
CREATE INDEX learning_events_user_created ON learning_events (username, created_at);
CREATE INDEX learning_events_digest ON learning_events (username, digest, id) WHERE digest IS NOT NULL;
-- the backlog (a message copy is kept until learned): each event round reads only these rows
CREATE INDEX learning_events_backlog ON learning_events (username, id) WHERE raw IS NOT NULL;
CREATE INDEX learning_runs_started ON learning_runs (started_at);
`,
  },
];
