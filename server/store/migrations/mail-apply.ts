// "Apply rules to existing mail" (versions 300-399): one row per run, one
// journal row per operation on a message. An operation is marked started
// before the mail server is asked and done after, so a restart knows which
// ones to check rather than redo; the done rows are the undo list.
import type { Migration } from './index.js';

export const mailApplyMigrations: Migration[] = [
  {
    version: 300,
    name: 'apply to existing mail: runs and their journal',
    sql: `
CREATE TABLE apply_runs (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  folder TEXT NOT NULL,
  rules TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'undoing', 'undone')),
  error TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX apply_runs_user ON apply_runs (username, created_at);

CREATE TABLE apply_items (
  run_id TEXT NOT NULL REFERENCES apply_runs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  -- the message in the run's folder: <uidvalidity>.<uid> over IMAP, the file's base name in a Maildir
  ref TEXT NOT NULL,
  message_id TEXT,
  subject TEXT NOT NULL,
  sender TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('move', 'copy', 'flag')),
  -- the folder of a move or copy, the flag of a flag
  target TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('planned', 'started', 'done', 'gone', 'undone')),
  -- where a move or copy put the message (same form as ref), when the server said
  new_ref TEXT,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
`,
  },
];
