// The problems the browser shows beside each rule, and that hold the save back.
import { describe, expect, test } from 'vitest';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { newRule } from '../../../web/lib/factories.js';
import { problemsByRule } from '../../../web/lib/problems.js';

const withRules = (...rules: RuleSet['rules']): RuleSet => ({ ...emptyRuleSet(), rules });

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

  test('a raw block that does not parse is shown with the line and column inside it; a sound one is not', () => {
    const broken = { kind: 'raw' as const, sieve: 'if true {\n  keep;\n', requires: [], enabled: true };
    const sound = { kind: 'raw' as const, name: 'Mine', sieve: 'fileinto "x";', requires: ['fileinto'], enabled: true };
    expect(problemsByRule(withRules(sound, broken))).toEqual(
      new Map([[1, [{ code: 'syntax', message: 'raw block #2, line 3, column 1: a "{" is never closed: the text ends before its "}"' }]]]),
    );
  });

  test('a raw block is assumed to get the extensions it asks for; the server\'s own list is checked on save', () => {
    const block = { kind: 'raw' as const, name: 'Debug', sieve: 'debug_log "x";', requires: ['vnd.dovecot.debug'], enabled: true };
    expect(problemsByRule(withRules(block))).toEqual(new Map());
    expect(problemsByRule(withRules({ ...block, requires: [] })).get(0)?.map((p) => p.message)).toEqual([
      'raw block "Debug", line 1, column 1: command "debug_log" needs the Sieve extension "vnd.dovecot.debug"; add it to the block\'s requires (and the server does not offer "vnd.dovecot.debug")',
    ]);
  });
});

describe('the form\'s own checks', () => {
  test('an auto-reply without a message holds the rule back, in the words its field uses', () => {
    const rule = { ...newRule('Away'), conditions: [{ kind: 'always' as const }], actions: [{ kind: 'vacation' as const, vacation: { message: ' ' } }] };
    expect(problemsByRule(withRules(rule)).get(0)).toEqual([{ code: 'empty_reply', message: 'Write the reply message.' }]);
  });
});
