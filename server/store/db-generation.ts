// A cheap token that changes whenever the database may have changed, for
// in-process caches that must never serve stale rows. Commits through this
// connection are seen at once (total_changes() reads a counter, not the
// file); commits by other processes (CLI commands on the same file) are seen
// through `PRAGMA data_version`, which costs a read transaction, so it is
// polled at most every `othersLagMs`.
import type { Db } from './db.js';

export class DbGeneration {
  private readonly ownStmt;
  private readonly othersStmt;
  private others = 0;
  private othersCheckedAt = -Infinity;

  constructor(db: Db, private readonly othersLagMs = 200) {
    this.ownStmt = db.prepare<[], number>('SELECT total_changes()').pluck();
    this.othersStmt = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /** Changes when another connection has committed (checked at most every othersLagMs). */
  byOthers(now = Date.now()): number {
    if (now - this.othersCheckedAt >= this.othersLagMs) {
      this.others = this.othersStmt.get()!;
      this.othersCheckedAt = now;
    }
    return this.others;
  }

  /** Changes when any connection, this one included, has written. */
  current(now = Date.now()): string {
    return `${this.byOthers(now)}:${this.ownStmt.get()!}`;
  }
}
