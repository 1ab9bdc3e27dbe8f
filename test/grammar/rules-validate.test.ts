import { describe, expect, test } from 'vitest';
import type { Action, Condition, Rule, RuleSet } from '../../grammar/model.js';
import { MAX_CONDITION_DEPTH, validateRuleSet } from '../../grammar/validate.js';

function base(): RuleSet {
  return {
    settings: { junkFolder: 'Junk', threshold: 5, trustedAuthservId: 'mx.example.org' },
    whitelist: [{ pattern: '*@example.com', authenticated: true }],
    blocklist: [{ pattern: 'spam@example.net', action: 'discard' }],
    rules: [{ name: 'R', enabled: true, combine: 'all', conditions: [{ kind: 'always' }], actions: [{ kind: 'keep' }] }],
  };
}

const withCondition = (c: Condition): RuleSet => ({ ...base(), rules: [{ ...(base().rules[0] as Rule), conditions: [c] }] });
const withAction = (a: Action): RuleSet => ({ ...base(), rules: [{ ...(base().rules[0] as Rule), actions: [a] }] });
const subject = (values: string[], match: 'is' | 'regex' = 'is'): Condition => ({ kind: 'subject', test: { match, values } });
const vacation = (v: Partial<Extract<Action, { kind: 'vacation' }>['vacation']>): Action => ({ kind: 'vacation', vacation: { message: 'away', ...v } });

function nested(depth: number): Condition {
  let c: Condition = { kind: 'always' };
  for (let i = 0; i < depth; i++) c = { kind: 'not', condition: c };
  return c;
}

const codes = (rs: RuleSet): string[] => validateRuleSet(rs).map((d) => `${d.severity}:${d.code}`);

describe('validateRuleSet', () => {
  test('a sound rule set has no findings', () => {
    expect(validateRuleSet(base())).toEqual([]);
  });

  test.each<[string, RuleSet, string]>([
    ['an empty junk folder', { ...base(), settings: { ...base().settings, junkFolder: ' ' } }, 'error:empty_folder'],
    ['a line break in the junk folder', { ...base(), settings: { ...base().settings, junkFolder: 'Ju\nnk' } }, 'error:control_character'],
    ['a threshold that is not a number', { ...base(), settings: { ...base().settings, threshold: Number.NaN } }, 'error:bad_threshold'],
    ['an authserv-id with a semicolon', { ...base(), settings: { ...base().settings, trustedAuthservId: 'mx; dkim=pass' } }, 'error:bad_authserv_id'],
    ['a whitelist pattern with a newline (a user_prefs directive)', { ...base(), whitelist: [{ pattern: 'a@b.c\nrequired_score -99', authenticated: false }] }, 'error:bad_pattern'],
    ['a blocklist pattern with "#"', { ...base(), blocklist: [{ pattern: 'a@b.c#', action: 'junk' }] }, 'error:bad_pattern'],
    ['the same pattern twice', { ...base(), whitelist: [{ pattern: 'A@b.c', authenticated: false }, { pattern: 'a@B.c', authenticated: true }] }, 'warning:duplicate_pattern'],
    ['an unknown block action', { ...base(), blocklist: [{ pattern: 'a@b.c', action: 'bounce' as 'junk' }] }, 'error:bad_block_action'],
    ['two rules with one name', { ...base(), rules: [base().rules[0] as Rule, base().rules[0] as Rule] }, 'error:duplicate_rule_name'],
    ['an empty rule name', { ...base(), rules: [{ ...(base().rules[0] as Rule), name: '' }] }, 'error:empty_rule_name'],
    ['a rule name with a line break', { ...base(), rules: [{ ...(base().rules[0] as Rule), name: 'a\r\nb' }] }, 'error:control_character'],
    ['an unknown combination', { ...base(), rules: [{ ...(base().rules[0] as Rule), combine: 'some' as 'all' }] }, 'error:bad_combine'],
    ['a rule without conditions', { ...base(), rules: [{ ...(base().rules[0] as Rule), conditions: [] }] }, 'error:empty_group'],
    ['an unknown placement', { ...base(), rules: [{ ...(base().rules[0] as Rule), placement: 'middle' as 'after' }] }, 'error:bad_placement'],
    ['a rule without actions', { ...base(), rules: [{ ...(base().rules[0] as Rule), actions: [] }] }, 'warning:no_actions'],
    ['an action after stop', { ...base(), rules: [{ ...(base().rules[0] as Rule), actions: [{ kind: 'stop' }, { kind: 'keep' }] }] }, 'warning:after_stop'],
    ['an empty group', withCondition({ kind: 'group', combine: 'any', conditions: [] }), 'error:empty_group'],
    ['conditions nested too deep for Pigeonhole', withCondition(nested(MAX_CONDITION_DEPTH)), 'error:too_deep'],
    ['an unknown address header', withCondition({ kind: 'address', header: 'x-to' as 'to', part: 'all', test: { match: 'is', values: ['a'] } }), 'error:bad_address_header'],
    ['an unknown address part', withCondition({ kind: 'address', header: 'to', part: 'mailbox' as 'all', test: { match: 'is', values: ['a'] } }), 'error:bad_address_part'],
    ['an unknown envelope field', withCondition({ kind: 'envelope', field: 'cc' as 'to', part: 'all', test: { match: 'is', values: ['a'] } }), 'error:bad_envelope_field'],
    ['a header name with a colon', withCondition({ kind: 'header', names: ['X-A:'], test: { match: 'is', values: ['a'] } }), 'error:bad_header_name'],
    ['an empty list of header names', withCondition({ kind: 'exists', names: [] }), 'error:empty_list'],
    ['an empty list of values', withCondition(subject([])), 'error:empty_list'],
    ['an unknown match type', withCondition({ kind: 'body', test: { match: 'like' as 'is', values: ['a'] } }), 'error:bad_match_type'],
    ['a NUL character, which Sieve cannot carry', withCondition(subject(['a\u0000b'])), 'error:nul_character'],
    ['an unpaired surrogate', withCondition(subject(['a\udc00'])), 'error:bad_unicode'],
    ['a wildcard pattern ending in an unpaired backslash (Pigeonhole panics on it)', withCondition({ kind: 'body', test: { match: 'matches', values: ['a*\\\\\\'] } }), 'error:bad_wildcard'],
    ['an unbalanced regex', withCondition(subject(['(a'], 'regex')), 'error:bad_regex'],
    ['a Perl-only regex group', withCondition(subject(['(?i)a'], 'regex')), 'error:bad_regex'],
    ['a negative size', withCondition({ kind: 'size', comparison: 'over', bytes: -1 }), 'error:bad_size'],
    ['a fractional size', withCondition({ kind: 'size', comparison: 'under', bytes: 1.5 }), 'error:bad_size'],
    ['an unknown authentication result', withCondition({ kind: 'auth', method: 'dkim', result: 'ok' as 'pass' }), 'error:bad_auth'],
    ['an infinite spam score', withCondition({ kind: 'spam-score', atLeast: Infinity }), 'error:bad_score'],
    ['an unknown condition kind', withCondition({ kind: 'weather' } as unknown as Condition), 'error:unknown_kind'],
    ['an empty folder', withAction({ kind: 'fileinto', folder: '' }), 'error:empty_folder'],
    ['a folder with a control character', withAction({ kind: 'fileinto', folder: 'a\u0001' }), 'error:control_character'],
    ['a redirect to something that is not an address', withAction({ kind: 'redirect', address: 'bob' }), 'error:bad_address'],
    ['a keyword with a space', withAction({ kind: 'keyword', keyword: 'a b' }), 'error:bad_keyword'],
    ['a reject reason with NUL', withAction({ kind: 'reject', reason: '\u0000' }), 'error:nul_character'],
    ['vacation days out of range', withAction(vacation({ days: 0 })), 'error:bad_days'],
    ['a vacation subject with a line break', withAction(vacation({ subject: 'a\nBcc: x@y.z' })), 'error:control_character'],
    ['a bad vacation from address', withAction(vacation({ from: 'me' })), 'error:bad_address'],
    ['a bad vacation address', withAction(vacation({ addresses: ['ok@example.com', 'nope'] })), 'error:bad_address'],
    ['an impossible date', withAction(vacation({ start: '2027-02-29' })), 'error:bad_date'],
    ['a vacation that ends before it starts', withAction(vacation({ start: '2027-01-02', end: '2027-01-01' })), 'error:vacation_dates'],
    ['an unknown action kind', withAction({ kind: 'bounce' } as unknown as Action), 'error:unknown_kind'],
    ['a raw block requiring a malformed capability', { ...base(), rules: [{ kind: 'raw', sieve: 'keep;', requires: ['"x"'], enabled: true }] }, 'error:bad_capability'],
    ['a raw block with NUL', { ...base(), rules: [{ kind: 'raw', sieve: 'keep;\u0000', requires: [], enabled: true }] }, 'error:nul_character'],
  ])('%s is reported', (_what, rs, expected) => {
    expect(codes(rs)).toEqual([expected]);
  });

  test('a wildcard pattern ending in an escaped backslash is fine', () => {
    expect(codes(withCondition({ kind: 'body', test: { match: 'matches', values: ['a*\\\\'] } }))).toEqual([]);
  });

  test('the model\'s nesting limit itself is allowed (the written script is checked by compileRuleSet)', () => {
    expect(codes(withCondition(nested(MAX_CONDITION_DEPTH - 1)))).toEqual([]);
  });

  test('messages name the rule and quote the value, shortened when long', () => {
    const [d] = validateRuleSet(withAction({ kind: 'redirect', address: 'x'.repeat(500) }));
    expect(d?.message).toMatch(/^rule "R": redirect address "x{50,60}\.\.\." is not an e-mail address/);
    expect(d?.message.length).toBeLessThan(150);
  });
});
