// What would save and then surprise the user: an empty value to match (it
// matches every message), a sender both trusted and blocked (the block does
// nothing), a string list longer than the parser reads back.
import { describe, expect, test } from 'vitest';
import type { BlocklistEntry, Rule, RuleSet, WhitelistEntry } from '../../grammar/model.js';
import { emptyRuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { covers, senderConflicts } from '../../grammar/sender-conflicts.js';
import { validateRuleSet } from '../../grammar/validate.js';

const rule = (values: string[]): Rule => ({
  name: 'Blank',
  enabled: true,
  combine: 'all',
  conditions: [{ kind: 'address', header: 'from', part: 'all', test: { match: 'contains', values } }],
  actions: [{ kind: 'fileinto', folder: 'Junk' }],
});
const trusted = (pattern: string): WhitelistEntry => ({ pattern, authenticated: false });
const blocked = (pattern: string): BlocklistEntry => ({ pattern, action: 'junk' });
const lists = (w: string[], b: string[]): RuleSet => ({ ...emptyRuleSet(), whitelist: w.map(trusted), blocklist: b.map(blocked) });

describe('empty values', () => {
  test('an empty value to match is an error naming the rule', () => {
    expect(validateRuleSet({ ...emptyRuleSet(), rules: [rule(['x', ''])] })).toEqual([
      { code: 'empty_value', severity: 'error', message: 'rule "Blank": a value to match is empty; type what to look for' },
    ]);
  });

  test('the check points at the condition in the rules text', () => {
    const { ruleSet, diagnostics } = parseRules('rule "Blank" {\n  when from contains ""\n  then fileinto "Junk"\n}\n');
    expect(ruleSet).toBeNull();
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'empty_value', start: { line: 2, column: 8 }, end: { line: 2, column: 24 } })]);
  });

  test('a value of only a space is a value', () => {
    expect(validateRuleSet({ ...emptyRuleSet(), rules: [rule([' '])] })).toEqual([]);
  });
});

describe('senders both trusted and blocked', () => {
  test('the same pattern in both lists, in any letter case, is reported at both entries naming both', () => {
    const rs = lists(['Bob@Example.org'], ['bob@example.ORG']);
    const message = 'trusted sender "Bob@Example.org" and blocked sender "bob@example.ORG": mail from a trusted sender is never blocked, so this block does nothing';
    expect(validateRuleSet(rs)).toEqual([
      { code: 'trusted_and_blocked', severity: 'warning', message },
      { code: 'trusted_and_blocked', severity: 'warning', message },
    ]);
  });

  test('a trusted wildcard that covers a blocked address is reported', () => {
    expect(senderConflicts([trusted('*@example.org')], [blocked('spam@example.org')])).toHaveLength(1);
    expect(senderConflicts([trusted('?ob@*.example.org')], [blocked('bob@mx.example.org')])).toHaveLength(1);
  });

  test('patterns that do not overlap, or only overlap partly, are not reported', () => {
    expect(senderConflicts([trusted('*@example.org')], [blocked('spam@example.com'), blocked('*@*.org')])).toEqual([]);
    expect(senderConflicts([trusted('a@b.c')], [blocked('*@b.c')])).toEqual([]);
  });

  test('the trusted entry and the blocked entry are the objects of the lists, for the senders screen', () => {
    const rs = lists(['*@x.example'], ['a@x.example', 'b@y.example', 'c@x.example']);
    expect(senderConflicts(rs.whitelist, rs.blocklist)).toEqual([
      { trusted: rs.whitelist[0], blocked: rs.blocklist[0] },
      { trusted: rs.whitelist[0], blocked: rs.blocklist[2] },
    ]);
  });

  test('"?" stands for one character and "*" for any run, as in Sieve :matches', () => {
    expect(covers('a?c@d.e', 'abc@d.e')).toBe(true);
    expect(covers('a?c@d.e', 'ac@d.e')).toBe(false);
    expect(covers('a?c@d.e', 'abbc@d.e')).toBe(false);
    expect(covers('a*c@d.e', 'ac@d.e')).toBe(true);
    expect(covers('*', '*@d.e')).toBe(true);
    // A blocked "?" is one unknown character: only "?" or "*" covers it.
    expect(covers('a?@d.e', 'a?@d.e')).toBe(true);
    expect(covers('ab@d.e', 'a?@d.e')).toBe(false);
    expect(covers('a*@d.e', 'a?@d.e')).toBe(true);
  });

  test('only ASCII letters compare case-insensitively (i;ascii-casemap)', () => {
    expect(covers('ÉLAN@d.e', 'élan@d.e')).toBe(false);
    expect(covers('ÉLAN@D.E', 'Élan@d.e')).toBe(true);
  });

  test('a backslash is a literal character, as the emitter writes it', () => {
    expect(covers('a\\*@d.e', 'a\\x@d.e')).toBe(true);
    expect(covers('a\\*@d.e', 'a*@d.e')).toBe(false);
  });
});

describe('string list lengths', () => {
  const limits = { maxStringListLength: 3 };

  test('more values than one string list may hold is an error naming the rule', () => {
    expect(validateRuleSet({ ...emptyRuleSet(), rules: [rule(['a', 'b', 'c', 'd'])] }, { limits }).map((d) => d.message)).toEqual([
      'rule "Blank": 4 values make one Sieve string list; at most 3 are allowed',
    ]);
    expect(validateRuleSet({ ...emptyRuleSet(), rules: [rule(['a', 'b', 'c'])] }, { limits })).toEqual([]);
  });

  test('the blocked senders of one action are one list', () => {
    const rs = lists([], ['a@x.y', 'b@x.y', 'c@x.y', 'd@x.y']);
    expect(validateRuleSet(rs, { limits }).map((d) => d.message)).toEqual(['4 blocked senders (junk) make one Sieve string list; at most 3 are allowed']);
    rs.blocklist[3]!.action = 'discard';
    expect(validateRuleSet(rs, { limits })).toEqual([]);
  });
});
