// All SQL of "apply rules to existing mail": runs, their journal of
// operations, and the undo list they leave for UNDO_DAYS. Every read that a
// request makes names the user, so no one sees or undoes another's run.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';

export const UNDO_DAYS = 7;

export type RunState = 'running' | 'done' | 'failed' | 'undoing' | 'undone';
export type ItemState = 'planned' | 'started' | 'done' | 'gone' | 'undone';
export type Operation = 'move' | 'copy' | 'flag';

export interface NewItem {
  ref: string;
  messageId: string | null;
  subject: string;
  sender: string;
  op: Operation;
  target: string;
}

export interface Item extends NewItem {
  seq: number;
  state: ItemState;
  newRef: string | null;
}

export interface Run {
  id: string;
  username: string;
  folder: string;
  rules: string[];
  state: RunState;
  error: string | null;
  createdAt: string;
  total: number;
  /** Operations carried out (and not undone). */
  done: number;
  /** Operations whose message had gone from the folder when its turn came. */
  gone: number;
  undone: number;
}

interface RunRow {
  id: string;
  username: string;
  folder: string;
  rules: string;
  state: RunState;
  error: string | null;
  created_at: string;
  total: number;
  done: number;
  gone: number;
  undone: number;
}

interface ItemRow {
  seq: number;
  ref: string;
  message_id: string | null;
  subject: string;
  sender: string;
  op: Operation;
  target: string;
  state: ItemState;
  new_ref: string | null;
}

const RUN_SELECT = `
SELECT r.id, r.username, r.folder, r.rules, r.state, r.error, r.created_at,
  COUNT(i.seq) AS total,
  COALESCE(SUM(i.state = 'done'), 0) AS done,
  COALESCE(SUM(i.state = 'gone'), 0) AS gone,
  COALESCE(SUM(i.state = 'undone'), 0) AS undone
FROM apply_runs r LEFT JOIN apply_items i ON i.run_id = r.id`;

const toRun = (r: RunRow): Run => ({
  id: r.id,
  username: r.username,
  folder: r.folder,
  rules: JSON.parse(r.rules) as string[],
  state: r.state,
  error: r.error,
  createdAt: r.created_at,
  total: r.total,
  done: r.done,
  gone: r.gone,
  undone: r.undone,
});

const toItem = (r: ItemRow): Item => ({
  seq: r.seq,
  ref: r.ref,
  messageId: r.message_id,
  subject: r.subject,
  sender: r.sender,
  op: r.op,
  target: r.target,
  state: r.state,
  newRef: r.new_ref,
});

export class ApplyRepository {
  constructor(private readonly db: Db) {}

  /** The run and its whole journal, planned, in one transaction: a crash leaves all of it or none. */
  create(username: string, folder: string, rules: readonly string[], items: readonly NewItem[]): string {
    const id = randomUUID();
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO apply_runs (id, username, folder, rules, state) VALUES (?, ?, ?, ?, 'running')").run(id, username, folder, JSON.stringify(rules));
      const add = this.db.prepare(
        "INSERT INTO apply_items (run_id, seq, ref, message_id, subject, sender, op, target, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned')",
      );
      items.forEach((it, seq) => add.run(id, seq, it.ref, it.messageId, it.subject, it.sender, it.op, it.target));
    })();
    return id;
  }

  /** The user's run; null for another user's or an unknown id. */
  get(username: string, id: string): Run | null {
    const row = this.db.prepare(`${RUN_SELECT} WHERE r.id = ? AND r.username = ? GROUP BY r.id`).get(id, username) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  /** The user's runs still inside the undo period, newest first. */
  list(username: string): Run[] {
    const rows = this.db
      .prepare(`${RUN_SELECT} WHERE r.username = ? AND r.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) GROUP BY r.id ORDER BY r.created_at DESC`)
      .all(username, `-${UNDO_DAYS} days`) as RunRow[];
    return rows.map(toRun);
  }

  /** Runs a stop interrupted, to resume: applying or undoing. */
  unfinished(): Array<{ id: string; username: string; state: RunState }> {
    return this.db.prepare("SELECT id, username, state FROM apply_runs WHERE state IN ('running', 'undoing') ORDER BY created_at").all() as Array<{
      id: string;
      username: string;
      state: RunState;
    }>;
  }

  items(id: string, states: readonly ItemState[], limit = -1): Item[] {
    const marks = states.map(() => '?').join(', ');
    const rows = this.db
      .prepare(`SELECT seq, ref, message_id, subject, sender, op, target, state, new_ref FROM apply_items WHERE run_id = ? AND state IN (${marks}) ORDER BY seq LIMIT ?`)
      .all(id, ...states, limit) as ItemRow[];
    return rows.map(toItem);
  }

  markStarted(id: string, seqs: readonly number[]): void {
    const mark = this.db.prepare("UPDATE apply_items SET state = 'started' WHERE run_id = ? AND seq = ? AND state = 'planned'");
    this.db.transaction(() => seqs.forEach((s) => mark.run(id, s)))();
  }

  /** Records outcomes of one batch together. */
  finish(id: string, outcomes: ReadonlyArray<{ seq: number; state: ItemState; newRef?: string | null }>): void {
    const set = this.db.prepare('UPDATE apply_items SET state = ?, new_ref = COALESCE(?, new_ref) WHERE run_id = ? AND seq = ?');
    this.db.transaction(() => {
      for (const o of outcomes) set.run(o.state, o.newRef ?? null, id, o.seq);
      this.db.prepare("UPDATE apply_runs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").run(id);
    })();
  }

  setState(id: string, state: RunState, error: string | null = null): void {
    this.db.prepare("UPDATE apply_runs SET state = ?, error = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").run(state, error, id);
  }

  /** True when the run was made inside the undo period. */
  undoable(id: string): boolean {
    const row = this.db.prepare("SELECT 1 AS ok FROM apply_runs WHERE id = ? AND created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)").get(id, `-${UNDO_DAYS} days`);
    return row !== undefined;
  }

  /** Forgets runs past the undo period. */
  prune(): number {
    return this.db.prepare("DELETE FROM apply_runs WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) AND state NOT IN ('running', 'undoing')").run(`-${UNDO_DAYS} days`).changes;
  }
}
