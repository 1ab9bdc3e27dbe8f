// A user's effective rule set: the admin's defaults merged with the user's
// own rules. Pure, so the browser preview and the deploy agree.
//
// Order of rules: locked admin before-rules, then the other admin
// before-rules the user did not switch off, then the user's rules, then the
// admin after-rules (locked ones always, others unless switched off). The
// user's whitelist sits between locked and overridable admin rules through
// the emitter's rule: whitelisted mail is exempt from non-locked rules about
// authentication results or spam score, never from locked ones. The
// built-in spam filter runs where the emitter puts the blocklist, after the
// locked rules; the user's own spam settings decide it, not the admin's.
import type { BlocklistEntry, RuleItem, RuleSet, SpamSettings, WhitelistEntry } from './model.js';
import { isRawBlock } from './model.js';

function placement(item: RuleItem): 'before' | 'after' {
  return isRawBlock(item) ? 'before' : (item.placement ?? 'before');
}

function isLocked(item: RuleItem): boolean {
  return !isRawBlock(item) && item.locked === true;
}

function itemName(item: RuleItem): string | undefined {
  return item.name;
}

/** Admin rules a user may switch off: every named, unlocked default. */
export function overridableDefaults(defaults: RuleSet): string[] {
  return defaults.rules.filter((r) => !isLocked(r)).map(itemName).filter((n): n is string => n !== undefined);
}

/**
 * A user cannot claim admin powers: `locked` and `placement` on the user's own
 * rules mean nothing and are dropped.
 */
function asUserRule(item: RuleItem): RuleItem {
  if (isRawBlock(item)) return item;
  const { locked: _locked, placement: _placement, ...rest } = item;
  return rest;
}

function mergeByPattern<T extends { pattern: string }>(first: readonly T[], second: readonly T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const e of [...first, ...second]) {
    const key = e.pattern.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

/**
 * The user's junk folder and threshold win; which Authentication-Results
 * header to trust is a site decision, so the admin's authserv-id wins when set.
 */
function mergeSettings(admin: SpamSettings, user: SpamSettings): SpamSettings {
  const trusted = admin.trustedAuthservId ?? user.trustedAuthservId;
  return { ...user, ...(trusted !== undefined ? { trustedAuthservId: trusted } : {}) };
}

export function effectiveRuleSet(defaults: RuleSet, user: RuleSet, disabledDefaults: readonly string[]): RuleSet {
  const disabled = new Set(disabledDefaults);
  const active = (r: RuleItem): boolean => isLocked(r) || !(r.name !== undefined && disabled.has(r.name));
  const before = defaults.rules.filter((r) => placement(r) === 'before' && active(r));
  const after = defaults.rules.filter((r) => placement(r) === 'after' && active(r));
  const rules: RuleItem[] = [
    ...before.filter(isLocked),
    ...before.filter((r) => !isLocked(r)),
    ...user.rules.map(asUserRule),
    ...after,
  ];
  const whitelist: WhitelistEntry[] = mergeByPattern(user.whitelist, defaults.whitelist);
  const blocklist: BlocklistEntry[] = mergeByPattern(defaults.blocklist, user.blocklist);
  return { settings: mergeSettings(defaults.settings, user.settings), whitelist, blocklist, rules };
}
