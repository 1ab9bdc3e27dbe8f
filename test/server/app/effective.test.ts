import { describe, expect, test } from 'vitest';
import { effectiveRuleSet, overridableDefaults, splitDefaults } from '../../../grammar/effective.js';
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

describe('splitDefaults', () => {
  test('locked rules go to the global script of their placement, the rest stays for users', () => {
    const split = splitDefaults(defaults());
    expect(names(split.before)).toEqual(['virus']);
    expect(names(split.after)).toEqual(['after-locked']);
    expect(names(split.overridable)).toEqual(['after-open', 'dmarc']);
  });

  test("the global scripts carry the admin's settings and no sender list; the users' part keeps the lists", () => {
    const split = splitDefaults(defaults());
    for (const g of [split.before, split.after]) {
      // The built-in spam filter is each user's, never in a global script.
      expect(g.settings).toEqual({ ...defaults().settings, spamFilter: false });
      expect(g.whitelist).toEqual([]);
      expect(g.blocklist).toEqual([]);
    }
    expect(split.overridable.whitelist).toEqual(defaults().whitelist);
    expect(split.overridable.blocklist).toEqual(defaults().blocklist);
  });

  test('a raw Sieve block in the defaults is never locked: it stays in users\' scripts, before their rules', () => {
    const rs = { ...defaults(), rules: [...defaults().rules, { kind: 'raw' as const, name: 'raw', sieve: 'keep;', requires: [], enabled: true }] };
    const split = splitDefaults(rs);
    expect(names(split.overridable)).toEqual(['after-open', 'dmarc', 'raw']);
    expect(names(effectiveRuleSet(rs, user(), []))).toEqual(['dmarc', 'raw', 'mine', 'after-open']);
  });

  test('a locked rule switched off by the admin (disabled) still goes to the global script, disabled', () => {
    const rs = { ...defaults(), rules: [rule('virus', { locked: true, enabled: false })] };
    expect(splitDefaults(rs).before.rules).toEqual([rule('virus', { locked: true, enabled: false })]);
  });
});

describe('effectiveRuleSet', () => {
  test("orders the overridable admin before-rules, the user's rules, then the overridable after-rules; locked rules are not in it", () => {
    expect(names(effectiveRuleSet(defaults(), user(), []))).toEqual(['dmarc', 'mine', 'after-open']);
  });

  test('a user may switch off overridable admin rules; naming a locked one changes nothing', () => {
    const rs = effectiveRuleSet(defaults(), user(), ['dmarc', 'virus', 'after-open', 'after-locked']);
    expect(names(rs)).toEqual(['mine']);
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
    splitDefaults(d);
    expect(JSON.stringify([d, u])).toBe(before);
  });
});
