// What the HTTP API shows about learning: a user's log and weekly counts, and
// per-user health for admins. Read-only views over the repository.
import type { Db } from '../store/db.js';
import { LearningRepository, type LearningEvent } from '../store/learning-repository.js';

export type { LearningEvent } from '../store/learning-repository.js';

export function learningLog(db: Db, username: string, opts: { limit?: number } = {}): LearningEvent[] {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 100), 1), 1000);
  return new LearningRepository(db).log(username, limit);
}

export function weeklyCounts(db: Db, username: string): Array<{ week: string; spam: number; ham: number }> {
  return new LearningRepository(db).weekly(username);
}

export function learningHealth(db: Db): Array<{ username: string; lastRun: string | null; lastError: string | null; backlog: number }> {
  return new LearningRepository(db).health();
}
