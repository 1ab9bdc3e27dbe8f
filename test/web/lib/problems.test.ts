// The problems the browser shows beside each rule, and that hold the save back.
import { describe, expect, test } from 'vitest';
import { PIGEONHOLE_CAPABILITIES } from '../../../grammar/capabilities.js';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { DEFAULT_POLICY, type Policy } from '../../../grammar/policy.js';
import { newRule } from '../../../web/lib/factories.js';
import { problemsByRule as problemsOn } from '../../../web/lib/problems.js';

const withRules = (...rules: RuleSet['rules']): RuleSet => ({ ...emptyRuleSet(), rules });
const server = (policy: Partial<Policy> = {}, capabilities: readonly string[] = PIGEONHOLE_CAPABILITIES) => ({ capabilities, policy: { ...DEFAULT_POLICY, ...policy } });
const problemsByRule = (rs: RuleSet) => problemsOn(rs, server());

describe('problemsByRule', () => {
  test('a new rule is blank: it needs a condition and an action before it can be saved, said in the form\'s words', () => {
    expect(problemsByRule(withRules(newRule('New rule')))).toEqual(
      new Map([
        [
          0,
          [
            { code: 'empty_group', message: 'Choose which messages it acts on: add a condition (for all mail, “Every message”).' },
            { code: 'no_actions', message: 'Choose what happens to those messages: add an action.' },
          ],
        ],
      ]),
    );
  });

  test('a name over 200 characters, and a name two rules share, hold both rules back with the reason', () => {
    const done = { ...newRule('A'), conditions: [{ kind: 'always' as const }], actions: [{ kind: 'keep' as const }] };
    const found = problemsByRule(withRules({ ...done, name: 'x'.repeat(201) }, { ...done, name: 'Same' }, { ...done, name: 'Same' }));
    expect(found.get(0)).toEqual([{ code: 'name_too_long', message: 'The name is 201 characters long; names can have at most 200, so the list stays readable.' }]);
    expect(found.get(1)).toEqual([{ code: 'duplicate_rule_name', message: 'Another rule is already called “Same”.' }]);
    expect(found.get(2)).toEqual(found.get(1));
    expect(problemsByRule(withRules({ ...done, name: 'x'.repeat(200) }))).toEqual(new Map());
  });

  test('a condition with an empty value holds the rule back', () => {
    const rule = { ...newRule('R'), conditions: [{ kind: 'subject' as const, test: { match: 'contains' as const, values: [''] } }], actions: [{ kind: 'keep' as const }] };
    expect(problemsByRule(withRules(rule)).get(0)).toEqual([{ code: 'empty_value', message: 'rule "R": a value to match is empty; type what to look for' }]);
  });

  test('a raw block that does not parse is shown with the line and column inside it, as its editor marks them; a sound one is not', () => {
    const broken = { kind: 'raw' as const, sieve: 'if true {\n  keep;\n', requires: [], enabled: true };
    const sound = { kind: 'raw' as const, name: 'Mine', sieve: 'fileinto "x";', requires: ['fileinto'], enabled: true };
    expect(problemsByRule(withRules(sound, broken))).toEqual(
      new Map([[1, [{ code: 'syntax', message: 'line 3, column 1: a "{" is never closed: the text ends before its "}"' }]]]),
    );
  });

  test('a raw block without its require, or asking for an extension the server does not offer, is held back', () => {
    const block = { kind: 'raw' as const, name: 'Debug', sieve: 'debug_log "x";', requires: ['vnd.dovecot.debug'], enabled: true };
    const offered = server({}, [...PIGEONHOLE_CAPABILITIES, 'vnd.dovecot.debug']);
    expect(problemsOn(withRules(block), offered)).toEqual(new Map());
    expect(problemsOn(withRules({ ...block, requires: [] }), offered).get(0)?.map((p) => p.message)).toEqual([
      'line 1, column 1: command "debug_log" needs the Sieve extension "vnd.dovecot.debug"; add it to the block\'s requires',
    ]);
    expect(problemsByRule(withRules(block)).get(0)).toEqual([
      { code: 'unsupported_extension', message: 'needs the Sieve extension "vnd.dovecot.debug", which the server does not offer' },
    ]);
  });

  test('what the forwarding policy refuses holds the rule back with the policy\'s reason; what it only reviews does not', () => {
    const fwd = { ...newRule('Forward all mail'), conditions: [{ kind: 'always' as const }], actions: [{ kind: 'redirect' as const, address: 'me@elsewhere.example', copy: true }] };
    const refuse = server({ allowedRedirectDomains: ['corp.example'], redirectOutside: 'refuse' });
    expect(problemsOn(withRules(fwd), refuse).get(0)).toEqual([
      { code: 'policy', message: 'forwarding to me@elsewhere.example is not allowed (allowed domains: corp.example)' },
    ]);
    expect(problemsOn(withRules({ ...fwd, actions: [{ kind: 'redirect' as const, address: 'me@mail.corp.example', copy: true }] }), refuse)).toEqual(new Map());
    expect(problemsOn(withRules(fwd), server({ allowedRedirectDomains: ['corp.example'], redirectOutside: 'alert' }))).toEqual(new Map());
    const raw = { kind: 'raw' as const, name: 'Old forward', sieve: 'redirect "me@elsewhere.example";', requires: [], enabled: true };
    expect(problemsOn(withRules(raw), refuse).get(0)?.map((p) => p.code)).toEqual(['policy']);
    expect(problemsOn(withRules(fwd), server({ allowedActions: ['keep', 'fileinto'] })).get(0)?.map((p) => p.code)).toEqual(['policy']);
  });
});

describe('the form\'s own checks', () => {
  test('an auto-reply without a message holds the rule back, in the words its field uses', () => {
    const rule = { ...newRule('Away'), conditions: [{ kind: 'always' as const }], actions: [{ kind: 'vacation' as const, vacation: { message: ' ' } }] };
    expect(problemsByRule(withRules(rule)).get(0)).toEqual([{ code: 'empty_reply', message: 'Write the reply message.' }]);
  });
});
