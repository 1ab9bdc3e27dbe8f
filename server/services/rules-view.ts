// The body of GET /api/rules (and of the answers to saves and restores),
// cached per user as serialized JSON. The view is rebuilt only when its
// stamp changes (see RulesRepository.viewStamp), so the hot path is one
// small query and a string send instead of parse + print + stringify of a
// whole rule set.
import type { AppContext } from './context.js';
import { rulesView } from './rules-service.js';

export class RulesViewCache {
  private readonly entries = new Map<string, { stamp: string; body: string }>();

  /** `max` bounds memory: a 50-rule view is some 30 kB. */
  constructor(private readonly max = 500) {}

  body(ctx: AppContext, username: string): string {
    const stamp = ctx.rules.viewStamp(username);
    const hit = this.entries.get(username);
    if (hit && hit.stamp === stamp) {
      // Move to the end: the map's order is the eviction order.
      this.entries.delete(username);
      this.entries.set(username, hit);
      return hit.body;
    }
    const body = JSON.stringify(rulesView(ctx, username));
    this.entries.delete(username);
    this.entries.set(username, { stamp, body });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return body;
  }
}
