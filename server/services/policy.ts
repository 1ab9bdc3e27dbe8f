// The admin's policy applied to a rule set a user wants to save: which
// actions are allowed, how many rules, where mail may be forwarded. Pure.
// A forward to an outside address is either refused or, when the policy
// allows it, reported as an alert: an attacker with a stolen password
// typically adds a forward first.
import type { Action, RuleSet } from '../../grammar/model.js';
import { isRawBlock } from '../../grammar/model.js';
import type { Policy } from '../store/defaults-repository.js';

/** Every action kind a rule can use, plus `raw` for verbatim Sieve blocks. */
export const ALL_ACTIONS: readonly string[] = [
  'fileinto', 'redirect', 'reject', 'discard', 'keep', 'mark-read', 'flag', 'keyword', 'vacation', 'stop', 'raw',
] satisfies ReadonlyArray<Action['kind'] | 'raw'>;

export const DEFAULT_POLICY: Policy = {
  allowedRedirectDomains: [],
  allowedActions: [...ALL_ACTIONS],
  maxRules: 500,
  redirectOutside: 'alert',
};

export interface PolicyProblem {
  rule?: string;
  message: string;
}

export interface PolicyReport {
  violations: PolicyProblem[];
  /** New outside redirects the policy lets through; audited as alerts. */
  alerts: Array<{ rule?: string; address: string }>;
}

// Verbatim Sieve can forward too; find its literal targets.
const RAW_REDIRECT = /\bredirect\b[^;]*?"([^"]*)"/gi;

export function redirectTargets(rs: RuleSet): Array<{ rule?: string; address: string }> {
  const out: Array<{ rule?: string; address: string }> = [];
  for (const item of rs.rules) {
    if (isRawBlock(item)) {
      for (const m of item.sieve.matchAll(RAW_REDIRECT)) out.push({ rule: item.name, address: m[1]! });
    } else {
      for (const a of item.actions) if (a.kind === 'redirect') out.push({ rule: item.name, address: a.address });
    }
  }
  return out;
}

export function domainAllowed(address: string, domains: readonly string[]): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (!address.includes('@') || domain === '') return false;
  return domains.some((d) => {
    const allowed = d.toLowerCase().replace(/^\*?\./, '');
    return domain === allowed || domain.endsWith(`.${allowed}`);
  });
}

export function checkPolicy(next: RuleSet, previous: RuleSet | undefined, policy: Policy): PolicyReport {
  const violations: PolicyProblem[] = [];
  const alerts: PolicyReport['alerts'] = [];
  if (next.rules.length > policy.maxRules) {
    violations.push({ message: `at most ${policy.maxRules} rules are allowed (this set has ${next.rules.length})` });
  }
  const allowed = new Set(policy.allowedActions);
  for (const item of next.rules) {
    const kinds = isRawBlock(item) ? ['raw'] : item.actions.map((a) => a.kind);
    for (const kind of new Set(kinds)) {
      if (!allowed.has(kind)) violations.push({ rule: item.name, message: `the action "${kind}" is not allowed on this server` });
    }
  }
  const before = new Set(previous ? redirectTargets(previous).map((t) => t.address.toLowerCase()) : []);
  for (const t of redirectTargets(next)) {
    if (domainAllowed(t.address, policy.allowedRedirectDomains)) continue;
    if (policy.redirectOutside === 'refuse') {
      violations.push({ rule: t.rule, message: `forwarding to ${t.address} is not allowed (allowed domains: ${policy.allowedRedirectDomains.join(', ') || 'none'})` });
    } else if (!before.has(t.address.toLowerCase())) {
      alerts.push(t);
    }
  }
  return { violations, alerts };
}
