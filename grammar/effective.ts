// What the admin's defaults become at delivery, and a user's effective rule
// set. Pure, so the server, the CLI and the browser preview agree.
//
// Locked admin rules are not part of any user's script: they go into two
// global scripts Dovecot runs around every user's own (sieve_before and
// sieve_after), so nothing in a user's script (a syntax error, a raw block,
// an early `stop`) can switch them off. What stays in each user's script is
// the overridable part: the admin's sender lists and settings, and the rules
// a user may switch off.
//
// Order inside a user's script: the admin's overridable before-rules the
// user did not switch off, then the user's rules, then the overridable
// after-rules. The user's whitelist exempts mail from these admin rules when
// they read authentication results or the spam score; it cannot reach the
// locked rules, which run in the global scripts.
//
// The built-in spam filter runs where the emitter puts the blocklist, after
// the locked rules (in the before script); the user's own spam settings
// decide it, not the admin's.
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

export interface SplitDefaults {
  /** Locked rules placed before the user's: the global sieve_before script. */
  before: RuleSet;
  /** Locked rules placed after the user's: the global sieve_after script. */
  after: RuleSet;
  /** What goes into every user's script: settings, sender lists, the unlocked rules. */
  overridable: RuleSet;
}

/**
 * Splits the admin's defaults into the two global scripts and the per-user
 * part. The global scripts carry the admin's settings (the Junk folder that
 * gets the filter's keyword, the trusted authserv-id) and no sender lists:
 * neither the admin's nor a user's lists apply to locked rules. Nor the
 * built-in spam filter: it belongs to each user's script, where the user's
 * own threshold, switch and whitelist decide it.
 */
export function splitDefaults(defaults: RuleSet): SplitDefaults {
  const locked = (where: 'before' | 'after'): RuleSet => ({
    settings: { ...defaults.settings, spamFilter: false },
    whitelist: [],
    blocklist: [],
    rules: defaults.rules.filter((r) => isLocked(r) && placement(r) === where),
  });
  return {
    before: locked('before'),
    after: locked('after'),
    overridable: { ...defaults, rules: defaults.rules.filter((r) => !isLocked(r)) },
  };
}

/** Admin rules a user may switch off: every named, unlocked default. */
export function overridableDefaults(defaults: RuleSet): string[] {
  return splitDefaults(defaults).overridable.rules.map(itemName).filter((n): n is string => n !== undefined);
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

/** The rule set of the user's own script: the overridable defaults merged with the user's rules. */
export function effectiveRuleSet(defaults: RuleSet, user: RuleSet, disabledDefaults: readonly string[]): RuleSet {
  const disabled = new Set(disabledDefaults);
  const admin = splitDefaults(defaults).overridable.rules.filter((r) => !(r.name !== undefined && disabled.has(r.name)));
  const rules: RuleItem[] = [
    ...admin.filter((r) => placement(r) === 'before'),
    ...user.rules.map(asUserRule),
    ...admin.filter((r) => placement(r) === 'after'),
  ];
  const whitelist: WhitelistEntry[] = mergeByPattern(user.whitelist, defaults.whitelist);
  const blocklist: BlocklistEntry[] = mergeByPattern(defaults.blocklist, user.blocklist);
  return { settings: mergeSettings(defaults.settings, user.settings), whitelist, blocklist, rules };
}
