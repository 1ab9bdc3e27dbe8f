// Whitelist and blocklist -> Sieve.
//
// The whitelist has no action of its own: it exempts mail from the blocklist
// and from non-locked rules that read auth results or the spam score
// (SpamAssassin's side of the whitelist is in user_prefs). With "variables"
// the whitelist is tested once and remembered:
//     if <whitelist test> { set "sw_whitelisted" "1"; }
// and exempt parts test `string :is "${sw_whitelisted}" "1"`; without it the
// whitelist test is repeated inline.
//
// A whitelist test is one test however long the list: one `address :matches`
// over every plain entry, and for "only when authenticated" entries one
// `allof(address ..., header :regex "Authentication-Results" ...)` per
// sender domain, requiring a DKIM pass signed by that domain or a DMARC pass
// for it in the trusted header. When the entry's domain has wildcards, the
// pass must be for a domain matching the same wildcards.

import { BLOCK_ACTIONS, type Action, type BlockAction, type BlocklistEntry, type WhitelistEntry } from '../../model.js';
import { AUTH_RESULTS_HEADER, authPassForDomainRegex, domainGlobRegex } from './auth.js';
import { renderActions } from './actions.js';
import type { Scope } from './scope.js';

export const WHITELIST_VARIABLE = 'sw_whitelisted';

/** SpamAssassin-style globs (`*`, `?`; backslash is literal) as `:matches` keys. */
export function globKey(pattern: string): string {
  return pattern.replace(/\\/g, '\\\\');
}

export function domainOf(pattern: string): string {
  const at = pattern.lastIndexOf('@');
  return at < 0 ? pattern : pattern.slice(at + 1);
}

function fromMatches(patterns: readonly string[], s: Scope): string {
  return `address :all :matches "from" ${s.list(patterns.map(globKey))}`;
}

function authenticatedTests(entries: readonly WhitelistEntry[], s: Scope): string[] {
  if (entries.length === 0) return [];
  const id = s.ctx.settings.trustedAuthservId?.trim();
  if (!id) {
    s.error('no_trusted_authserv_id', 'entries "only when authenticated" need a trusted authserv-id in the settings');
    return [];
  }
  s.need('regex');
  const byDomain = new Map<string, string[]>();
  for (const e of entries) {
    const domain = domainOf(e.pattern).toLowerCase();
    const same = byDomain.get(domain);
    if (same) same.push(e.pattern);
    else byDomain.set(domain, [e.pattern]);
  }
  return [...byDomain].map(([domain, patterns]) => {
    const regex = authPassForDomainRegex(id, domainGlobRegex(domain));
    return `allof(${fromMatches(patterns, s)}, header :regex ${s.str(AUTH_RESULTS_HEADER)} ${s.str(regex)})`;
  });
}

/** The test that holds for whitelisted mail, or null for an empty whitelist. */
export function whitelistTest(entries: readonly WhitelistEntry[], s: Scope): string | null {
  if (entries.length === 0) return null;
  const plain = entries.filter((e) => !e.authenticated).map((e) => e.pattern);
  const tests = plain.length > 0 ? [fromMatches(plain, s)] : [];
  tests.push(...authenticatedTests(entries.filter((e) => e.authenticated), s));
  if (tests.length === 0) return 'false';
  return tests.length === 1 ? tests[0]! : `anyof(${tests.join(', ')})`;
}

/** Commands that remember the whitelist verdict in WHITELIST_VARIABLE. */
export function rememberWhitelist(test: string, s: Scope): { lines: string[]; exempt: string } {
  s.need('variables');
  return {
    lines: [`if ${test} {`, `  set "${WHITELIST_VARIABLE}" "1";`, '}'],
    exempt: `string :is "\${${WHITELIST_VARIABLE}}" "1"`,
  };
}

export const BLOCKLIST_REJECT_REASON = 'Your message was refused by the recipient\'s mail filter.';

/** What a block action does: file into Junk, discard or reject, and stop. */
export function blockActions(action: BlockAction, junkFolder: string): Action[] {
  const first: Action = action === 'junk' ? { kind: 'fileinto', folder: junkFolder } : action === 'discard' ? { kind: 'discard' } : { kind: 'reject', reason: BLOCKLIST_REJECT_REASON };
  return [first, { kind: 'stop' }];
}

/** One `if` per block action over all its entries; whitelisted mail (`exempt`) passes. */
export function blocklistLines(entries: readonly BlocklistEntry[], exempt: string | null, s: Scope): string[] {
  const lines: string[] = [];
  for (const action of BLOCK_ACTIONS) {
    const patterns = entries.filter((e) => e.action === action).map((e) => e.pattern);
    if (patterns.length === 0) continue;
    const match = `address :all :matches "from" ${s.list(patterns.map(globKey))}`;
    const test = exempt === null ? match : `allof(not ${exempt}, ${match})`;
    const commands = renderActions(blockActions(action, s.ctx.settings.junkFolder), s);
    lines.push(`if ${test} {`, ...commands.map((c) => `  ${c}`), '}');
  }
  return lines;
}
