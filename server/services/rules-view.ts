// The body of GET /api/rules (and of the answers to saves and restores),
// cached per user as encoded JSON. The view is rebuilt only when its
// stamp changes (see RulesRepository.viewStamp), and the stamp is only
// queried again after something was written to the database (DbGeneration),
// so the hot path is a string send with no query at all.
import { DbGeneration } from '../store/db-generation.js';
import type { AppContext } from './context.js';
import { rulesView } from './rules-service.js';

interface Entry {
  stamp: string;
  /** Encoded once: every hit sends the same bytes. */
  body: Buffer;
  /** DbGeneration.current() when the stamp was last confirmed. */
  generation: string;
}

export class RulesViewCache {
  private readonly entries = new Map<string, Entry>();
  private generation?: { db: AppContext['db']; token: DbGeneration };

  /** `max` bounds memory: a 50-rule view is some 25 kB. */
  constructor(private readonly max = 500) {}

  body(ctx: AppContext, username: string): Buffer {
    const generation = this.generationOf(ctx).current();
    const hit = this.entries.get(username);
    // Delete and re-insert: the map's order is the eviction order.
    this.entries.delete(username);
    if (hit && hit.generation === generation) return this.keep(username, hit).body;
    const stamp = ctx.rules.viewStamp(username);
    if (hit && hit.stamp === stamp) return this.keep(username, { ...hit, generation }).body;
    return this.keep(username, { stamp, body: Buffer.from(JSON.stringify(rulesView(ctx, username))), generation }).body;
  }

  private keep(username: string, entry: Entry): Entry {
    this.entries.set(username, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  private generationOf(ctx: AppContext): DbGeneration {
    if (this.generation?.db !== ctx.db) this.generation = { db: ctx.db, token: new DbGeneration(ctx.db) };
    return this.generation.token;
  }
}
