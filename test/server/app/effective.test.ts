import { describe, expect, test } from 'vitest';
import { effectiveRuleSet, overridableDefaults } from '../../../grammar/effective.js';
import { emptyRuleSet, type Rule, type RuleSet } from '../../../grammar/model.js';

function rule(name: string, extra: Partial<Rule> = {}): Rule {
  return { name, enabled: true, combine: 'all', conditions: [{ kind: 'always' }], actions: [{ kind: 'keep' }], ...extra };
}

function defaults(): RuleSet {
  return {
    ...emptyRuleSet(),
    settings: { junkFolder: 'Junk', threshold: 5, trustedAuthservId: 'mx.example.org' },
    whitelist: [{ pattern: '*@example.org', authenticated: true }],
    blocklist: [{ pattern: 'spam@bad.example', action: 'junk' }],
    rules: [
      rule('after-open', { placement: 'after' }),
      rule('dmarc', {}),
      rule('virus', { locked: true }),
      rule('after-locked', { placement: 'after', locked: true }),
    ],
  };
}

function user(): RuleSet {
  return {
    settings: { junkFolder: 'Spam', threshold: 3, trustedAuthservId: 'attacker.example' },
    whitelist: [{ pattern: 'friend@partner.example', authenticated: false }],
    blocklist: [{ pattern: 'ex@old.example', action: 'discard' }],
    rules: [rule('mine', { locked: true, placement: 'after' })],
  };
}

const names = (rs: RuleSet) => rs.rules.map((r) => r.name);

describe('effectiveRuleSet', () => {
  test('orders locked admin rules, other admin before-rules, user rules, then admin after-rules', () => {
    expect(names(effectiveRuleSet(defaults(), user(), []))).toEqual(['virus', 'dmarc', 'mine', 'after-open', 'after-locked']);
  });

  test('a user may switch off overridable admin rules but not locked ones', () => {
    const rs = effectiveRuleSet(defaults(), user(), ['dmarc', 'virus', 'after-open', 'after-locked']);
    expect(names(rs)).toEqual(['virus', 'mine', 'after-locked']);
    expect(overridableDefaults(defaults())).toEqual(['after-open', 'dmarc']);
  });

  test("a user's rule cannot claim to be locked or placed after the admin's rules", () => {
    const mine = effectiveRuleSet(defaults(), user(), []).rules.find((r) => r.name === 'mine') as Rule;
    expect(mine.locked).toBeUndefined();
    expect(mine.placement).toBeUndefined();
  });

  test('sender lists are merged, user settings win, but the trusted authserv-id is the admin\'s', () => {
    const rs = effectiveRuleSet(defaults(), user(), []);
    expect(rs.whitelist.map((w) => w.pattern)).toEqual(['friend@partner.example', '*@example.org']);
    expect(rs.blocklist.map((b) => b.pattern)).toEqual(['spam@bad.example', 'ex@old.example']);
    expect(rs.settings).toEqual({ junkFolder: 'Spam', threshold: 3, trustedAuthservId: 'mx.example.org' });
  });

  test('inputs are not changed', () => {
    const d = defaults();
    const u = user();
    const before = JSON.stringify([d, u]);
    effectiveRuleSet(d, u, ['dmarc']);
    expect(JSON.stringify([d, u])).toBe(before);
  });
});
