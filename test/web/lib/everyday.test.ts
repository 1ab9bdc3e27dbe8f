// The pure parts of the everyday screens: finding a rule, the built-in
// out-of-office and forwarding rules, the forwarding policy in words, and
// the dates in an auto-reply's summary.
import { describe, expect, test } from 'vitest';
import type { Rule, RuleItem } from '../../../grammar/model.js';
import { builtinKind, findBuiltin, forwardingRule, outOfOfficeRule, putBuiltin } from '../../../web/lib/builtin-rules.js';
import { forwardPolicyStatement, forwardVerdict, type ForwardPolicy } from '../../../web/lib/forward-policy.js';
import { findRules } from '../../../web/lib/rule-search.js';
import { describeRule } from '../../../web/lib/words.js';

const rule = (name: string, extra: Partial<Rule> = {}): Rule => ({ name, enabled: true, combine: 'all', conditions: [{ kind: 'always' }], actions: [{ kind: 'keep' }], ...extra });

describe('finding a rule', () => {
  const items: RuleItem[] = [
    rule('Shop newsletter', { conditions: [{ kind: 'address', header: 'from', part: 'all', test: { match: 'contains', values: ['offers@shop.example'] } }] }),
    rule('Lists', { conditions: [{ kind: 'not', condition: { kind: 'group', combine: 'any', conditions: [{ kind: 'header', names: ['X-Tracker'], test: { match: 'is', values: ['bug'] } }] } }], actions: [{ kind: 'fileinto', folder: 'Lists/dev' }] }),
    { kind: 'raw', name: 'Old', sieve: 'redirect "boss@corp.example";', requires: [], enabled: true },
    rule('Away', { actions: [{ kind: 'redirect', address: 'me@home.example' }] }),
  ];

  test('by name, by a value a condition compares (nested too), by folder, by address, by a raw block\'s text; every word must be found, in any case', () => {
    expect(findRules(items, '')).toEqual([0, 1, 2, 3]);
    expect(findRules(items, 'NEWSLETTER')).toEqual([0]);
    expect(findRules(items, 'shop.example')).toEqual([0]);
    expect(findRules(items, 'bug')).toEqual([1]);
    expect(findRules(items, 'x-tracker')).toEqual([1]);
    expect(findRules(items, 'lists/dev')).toEqual([1]);
    expect(findRules(items, 'boss')).toEqual([2]);
    expect(findRules(items, 'home.example away')).toEqual([3]);
    expect(findRules(items, 'away shop')).toEqual([]);
  });
});

describe('the built-in out-of-office and forwarding rules', () => {
  test('are recognised by name and shape; a rule of the user\'s with the same name but other actions is not taken over', () => {
    const ooo = outOfOfficeRule({ message: 'Away', start: '2026-12-20', end: '2026-12-31' }, true);
    expect(builtinKind(ooo)).toBe('out-of-office');
    expect(builtinKind(forwardingRule('a@b.example', false, true))).toBe('forwarding');
    expect(builtinKind(forwardingRule('a@b.example', true, true))).toBe('forwarding');
    expect(builtinKind({ ...ooo, actions: [{ kind: 'discard' }] })).toBeNull();
    expect(builtinKind(rule('Forward all mail', { conditions: [] }))).toBeNull();
  });

  test('go first, out-of-office before forwarding, and replace themselves in place', () => {
    const mine = rule('Mine');
    const fwd = forwardingRule('a@b.example', true, true);
    const withForward = putBuiltin([mine], 'forwarding', fwd);
    expect(withForward.map((r) => ('name' in r ? r.name : ''))).toEqual(['Forward all mail', 'Mine']);
    const both = putBuiltin(withForward, 'out-of-office', outOfOfficeRule({ message: 'x' }, true));
    expect(both.map((r) => ('name' in r ? r.name : ''))).toEqual(['Out of office', 'Forward all mail', 'Mine']);
    const changed = putBuiltin(both, 'forwarding', forwardingRule('c@d.example', false, true));
    expect(changed).toHaveLength(3);
    expect(findBuiltin(changed, 'forwarding')).toBe(1);
    expect((changed[1] as Rule).actions).toEqual([{ kind: 'redirect', address: 'c@d.example' }, { kind: 'stop' }]);
  });

  test('the summary names the days of an auto-reply', () => {
    expect(describeRule(outOfOfficeRule({ message: 'x', start: '2026-12-20', end: '2027-01-03' }, true))).toBe(
      'If every message: reply with an auto-reply from 20 December 2026 to 3 January 2027.',
    );
    expect(describeRule(outOfOfficeRule({ message: 'x', end: '2027-01-03' }, true))).toBe('If every message: reply with an auto-reply until 3 January 2027.');
    expect(describeRule(outOfOfficeRule({ message: 'x' }, true))).toBe('If every message: reply with an auto-reply.');
  });
});

describe('the forwarding policy in words', () => {
  const policy = (p: Partial<ForwardPolicy>): ForwardPolicy => ({ allowedRedirectDomains: [], redirectOutside: 'alert', allowedActions: ['redirect'], ...p });

  test('is stated for each mode before an address is typed', () => {
    expect(forwardPolicyStatement(policy({ allowedRedirectDomains: ['corp.example'], redirectOutside: 'refuse' }))).toBe(
      'You may forward to addresses at corp.example. Forwarding to any other address is refused when you save.',
    );
    expect(forwardPolicyStatement(policy({ allowedRedirectDomains: ['corp.example'] }))).toBe(
      'You may forward to addresses at corp.example. Forwarding elsewhere is allowed, but your administrator is told about it, to review it.',
    );
    expect(forwardPolicyStatement(policy({}))).toMatch(/^You may forward to any address\. Your administrator is told/);
    expect(forwardPolicyStatement(policy({ redirectOutside: 'refuse' }))).toMatch(/does not allow forwarding mail to any address/);
    expect(forwardPolicyStatement(policy({ allowedActions: ['fileinto'] }))).toBe('Your administrator does not allow forwarding on this server.');
  });

  test('judges the address typed: allowed, reviewed, refused with the reason, or not an address', () => {
    const refuse = policy({ allowedRedirectDomains: ['corp.example'], redirectOutside: 'refuse' });
    expect(forwardVerdict('me@mail.corp.example', refuse)).toBeNull();
    expect(forwardVerdict('thief@evil.example', refuse)).toEqual({
      level: 'error',
      text: 'thief@evil.example is outside the domains your administrator allows (corp.example): the server refuses to save this forward, to keep your mail from leaving without their approval.',
    });
    expect(forwardVerdict('me@home.example', policy({ allowedRedirectDomains: ['corp.example'] }))?.level).toBe('notice');
    expect(forwardVerdict('nobody', refuse)?.text).toMatch(/is not an email address/);
  });
});
