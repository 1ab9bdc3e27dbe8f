// The admin's policy applied to a rule set a user wants to save: which
// actions are allowed, how many rules, where mail may go. Pure, so the
// server (API saves, migrations) and the CLI apply one check, and the
// browser warns with the same domain test.
//
// Mail leaving the mailbox (see sieve-outbound.ts for the Sieve commands)
// is judged per destination: a literal address in an allowed domain passes;
// anything else is outside: another domain, a target built from variables or
// encoded characters, an address the check cannot read exactly, a non-mailto
// notification, an external program, an included script, a verbatim block
// that does not parse. Outside is refused or, when the policy lets it
// through, raised as an alert: an attacker with a stolen password typically
// adds a forward first.
import { ACTION_KINDS, isRawBlock, type RawBlock, type RuleSet } from './model.js';
import { parseSieve } from './import/sieve-parse.js';
import { addressProblem, literalAddress, outboundOf } from './sieve-outbound.js';

export interface Policy {
  /** Domains users may send mail to (`*.` or `.` in front is the same domain); empty = none. */
  allowedRedirectDomains: string[];
  /** Action kinds users may use. */
  allowedActions: string[];
  maxRules: number;
  /** Mail sent outside allowedRedirectDomains is refused, or saved and raised as an audit alert. */
  redirectOutside: 'refuse' | 'alert';
}

/** Every action kind a rule can use, plus `raw` for verbatim Sieve blocks. */
export const ALL_ACTIONS: readonly string[] = [...ACTION_KINDS, 'raw'];

export const DEFAULT_POLICY: Policy = {
  allowedRedirectDomains: [],
  allowedActions: [...ALL_ACTIONS],
  maxRules: 500,
  redirectOutside: 'alert',
};

/** Action names a policy allows that no rule can use. */
export function unknownActions(policy: Pick<Policy, 'allowedActions'>): string[] {
  return policy.allowedActions.filter((a) => !ALL_ACTIONS.includes(a));
}

/** Whether the address is a plain address in one of the domains (or a subdomain of one). */
export function domainAllowed(address: string, domains: readonly string[]): boolean {
  const literal = literalAddress(address);
  if (literal === null) return false;
  const domain = literal.slice(literal.lastIndexOf('@') + 1).toLowerCase();
  return domains.some((d) => {
    const allowed = d.toLowerCase().replace(/^\*?\./, '');
    return domain === allowed || domain.endsWith(`.${allowed}`);
  });
}

/** One place mail leaves the mailbox. */
export interface Outgoing {
  /** The rule's name, or the raw block's name or position. */
  rule: string;
  /** Position in the rule set's `rules`. */
  index: number;
  /** What sends: `redirect` for a rule's action, the Sieve command in a raw block. */
  via: string;
  /** The address, or the target as written when it is not a literal address. */
  address: string;
  /** Why `address` cannot be checked against the allowed domains; absent for a literal address. */
  unverifiable?: string;
  /** Rules: the position of the action in the rule's `actions`. */
  action?: number;
  /** Raw blocks: where the sending command starts in the block's Sieve (1-based). */
  line?: number;
  column?: number;
}

function ruleLabel(rs: RuleSet, index: number): string {
  const item = rs.rules[index]!;
  if (item.name !== undefined && item.name !== '') return item.name;
  return `raw block ${index + 1}`;
}

function rawOutgoing(raw: RawBlock, rule: string, index: number): Outgoing[] {
  const parsed = parseSieve(raw.sieve);
  if (!parsed.value) {
    const at = parsed.diagnostics[0]?.start ?? { line: 1, column: 1 };
    const why = `its Sieve does not parse (${parsed.diagnostics[0]?.message ?? 'syntax error'}), so where it sends mail cannot be checked`;
    return [{ rule, index, via: 'raw', address: '(unparsed Sieve)', unverifiable: why, line: at.line, column: at.column }];
  }
  return outboundOf(parsed.value).map((o) => ({
    rule,
    index,
    via: o.command,
    address: o.target,
    ...(o.unverifiable !== null ? { unverifiable: o.unverifiable } : {}),
    line: o.line,
    column: o.column,
  }));
}

/** Every place the rule set sends mail, disabled rules and blocks included (enabling one is not a save the check would see twice). */
export function outgoingOf(rs: RuleSet): Outgoing[] {
  return rs.rules.flatMap((item, index) => {
    const rule = ruleLabel(rs, index);
    if (isRawBlock(item)) return rawOutgoing(item, rule, index);
    return item.actions.flatMap((a, action): Outgoing[] => {
      if (a.kind !== 'redirect') return [];
      const unverifiable = addressProblem(a.address);
      return [{ rule, index, via: 'redirect', address: literalAddress(a.address) ?? a.address, ...(unverifiable !== null ? { unverifiable } : {}), action }];
    });
  });
}

export interface PolicyProblem {
  rule?: string;
  /** Position in the rule set's `rules`. */
  index?: number;
  /** Rules: the position of the action in the rule's `actions`. */
  action?: number;
  /** Raw blocks: the line and column inside the block's Sieve. */
  line?: number;
  column?: number;
  message: string;
}

export interface PolicyReport {
  violations: PolicyProblem[];
  /** New outside destinations the policy lets through; audited as alerts. */
  alerts: Outgoing[];
}

/** An outside destination in words: why it is refused, or what the alert is about. */
export function describeOutgoing(o: Outgoing, domains: readonly string[], refused: boolean): string {
  const where = o.line !== undefined ? ` (line ${o.line} of the raw block)` : '';
  if (o.via === 'raw') return `this raw block cannot be checked: ${o.unverifiable}${where}`;
  const what = SENDS[o.via] ?? `${o.via} to`;
  if (o.unverifiable) return `${what} ${JSON.stringify(o.address)} ${refused ? 'is not allowed' : 'counts as outside the allowed domains'}: ${o.unverifiable}${where}`;
  const list = domains.join(', ') || 'none';
  return `${what} ${o.address} ${refused ? 'is not allowed' : 'goes outside the allowed domains'} (allowed domains: ${list})${where}`;
}

const SENDS: Record<string, string> = { redirect: 'forwarding to', notify: 'notifying', report: 'reporting the message to' };

/**
 * What identifies a destination between two versions, so an unchanged one
 * is not raised again. A target the check cannot resolve also carries all
 * verbatim Sieve of the set: any of it may change where it goes.
 */
function alertKey(o: Outgoing, rs: RuleSet): string {
  const key = `${o.via}\u0000${o.address.toLowerCase()}`;
  if (!o.unverifiable) return key;
  return `${key}\u0000${rs.rules.filter(isRawBlock).map((r) => r.sieve).join('\u0000')}`;
}

export function checkPolicy(next: RuleSet, previous: RuleSet | undefined, policy: Policy): PolicyReport {
  const violations: PolicyProblem[] = [];
  const alerts: Outgoing[] = [];
  if (next.rules.length > policy.maxRules) {
    violations.push({ message: `at most ${policy.maxRules} rules are allowed (this set has ${next.rules.length})` });
  }
  const allowed = new Set(policy.allowedActions);
  next.rules.forEach((item, index) => {
    const kinds = isRawBlock(item) ? ['raw'] : item.actions.map((a) => a.kind);
    for (const kind of new Set(kinds)) {
      if (!allowed.has(kind)) violations.push({ rule: ruleLabel(next, index), index, message: `the action "${kind}" is not allowed on this server` });
    }
  });
  const domains = policy.allowedRedirectDomains;
  const before = new Set(previous ? outgoingOf(previous).map((o) => alertKey(o, previous)) : []);
  for (const o of outgoingOf(next)) {
    if (!o.unverifiable && domainAllowed(o.address, domains)) continue;
    if (policy.redirectOutside === 'refuse') {
      const message = describeOutgoing(o, domains, true);
      const { rule, index, action, line, column } = o;
      violations.push({ rule, index, ...(action !== undefined ? { action } : {}), ...(line !== undefined ? { line, column } : {}), message });
    } else if (!before.has(alertKey(o, next))) {
      alerts.push(o);
    }
  }
  return { violations, alerts };
}
