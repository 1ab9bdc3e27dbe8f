import { describe, expect, test } from 'vitest';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { checkPolicy, DEFAULT_POLICY, domainAllowed } from '../../../grammar/policy.js';
import { summarizeChange } from '../../../grammar/rule-diff.js';

function forwardTo(...addresses: string[]): RuleSet {
  return {
    ...emptyRuleSet(),
    rules: addresses.map((address, i) => ({
      name: `fwd${i}`,
      enabled: true,
      combine: 'all' as const,
      conditions: [{ kind: 'always' as const }],
      actions: [{ kind: 'redirect' as const, address }],
    })),
  };
}

describe('policy', () => {
  test('a new forward outside the allowed domains is an alert when the policy lets it through', () => {
    const policy = { ...DEFAULT_POLICY, allowedRedirectDomains: ['example.org'] };
    const r = checkPolicy(forwardTo('me@example.org', 'drop@evil.example'), undefined, policy);
    expect(r.violations).toEqual([]);
    expect(r.alerts).toEqual([{ rule: 'fwd1', index: 1, via: 'redirect', address: 'drop@evil.example', action: 0 }]);
  });

  test('a forward that was already there is not raised again', () => {
    const r = checkPolicy(forwardTo('drop@evil.example'), forwardTo('drop@evil.example'), DEFAULT_POLICY);
    expect(r.alerts).toEqual([]);
  });

  test('a forward outside the allowed domains is refused when the policy says so', () => {
    const policy = { ...DEFAULT_POLICY, allowedRedirectDomains: ['example.org'], redirectOutside: 'refuse' as const };
    const r = checkPolicy(forwardTo('drop@evil.example'), undefined, policy);
    expect(r.violations[0]?.message).toMatch(/forwarding to drop@evil\.example is not allowed/);
  });

  test('a forward hidden in a verbatim Sieve block is found too', () => {
    const rs: RuleSet = { ...emptyRuleSet(), rules: [{ kind: 'raw', sieve: 'redirect :copy "x@evil.example";', requires: ['copy'], enabled: true }] };
    expect(checkPolicy(rs, undefined, DEFAULT_POLICY).alerts.map((a) => a.address)).toEqual(['x@evil.example']);
  });

  test('actions outside the allowed list and too many rules are violations', () => {
    const policy = { ...DEFAULT_POLICY, allowedActions: ['fileinto'], maxRules: 1 };
    const r = checkPolicy(forwardTo('a@example.org', 'b@example.org'), undefined, policy);
    expect(r.violations.map((v) => v.message)).toEqual([
      'at most 1 rules are allowed (this set has 2)',
      'the action "redirect" is not allowed on this server',
      'the action "redirect" is not allowed on this server',
    ]);
  });

  test('subdomains of an allowed domain are allowed; look-alike suffixes are not', () => {
    expect(domainAllowed('a@mail.example.org', ['example.org'])).toBe(true);
    expect(domainAllowed('a@badexample.org', ['example.org'])).toBe(false);
    expect(domainAllowed('no-at-sign', ['example.org'])).toBe(false);
  });
});

describe('summarizeChange', () => {
  test('names added, removed and changed rules and list size changes', () => {
    const before = forwardTo('a@example.org', 'b@example.org');
    const after = forwardTo('a@example.org', 'c@example.org', 'd@example.org');
    after.whitelist.push({ pattern: 'x@y.example', authenticated: false });
    expect(summarizeChange(before, after)).toBe('added "fwd2"; changed "fwd1"; whitelist +1');
    expect(summarizeChange(undefined, after)).toBe('created with 3 rules');
    expect(summarizeChange(after, after)).toBe('no changes');
  });
});
