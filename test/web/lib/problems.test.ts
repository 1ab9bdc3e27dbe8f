// The problems the browser shows beside each rule, and that hold the save back.
import { describe, expect, test } from 'vitest';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { newRule } from '../../../web/lib/factories.js';
import { problemsByRule } from '../../../web/lib/problems.js';

const withRules = (...rules: RuleSet['rules']): RuleSet => ({ ...emptyRuleSet(), rules });

describe('problemsByRule', () => {
  test('a new rule is blank: it needs a condition and an action before it can be saved', () => {
    expect(problemsByRule(withRules(newRule('New rule')))).toEqual(
      new Map([[0, ['rule "New rule" has no conditions (use "when always" for every message)', 'rule "New rule" has no actions, so it changes nothing']]]),
    );
  });

  test('a condition with an empty value holds the rule back', () => {
    const rule = { ...newRule('R'), conditions: [{ kind: 'subject' as const, test: { match: 'contains' as const, values: [''] } }], actions: [{ kind: 'keep' as const }] };
    expect(problemsByRule(withRules(rule)).get(0)).toEqual(['rule "R": a value to match is empty; type what to look for']);
  });

  test('a raw block that does not parse is shown with the line and column inside it; a sound one is not', () => {
    const broken = { kind: 'raw' as const, sieve: 'if true {\n  keep;\n', requires: [], enabled: true };
    const sound = { kind: 'raw' as const, name: 'Mine', sieve: 'fileinto "x";', requires: ['fileinto'], enabled: true };
    expect(problemsByRule(withRules(sound, broken))).toEqual(new Map([[1, ['raw block #2, line 3, column 1: a "{" is never closed: the text ends before its "}"']]]));
  });

  test('a raw block is assumed to get the extensions it asks for; the server\'s own list is checked on save', () => {
    const block = { kind: 'raw' as const, name: 'Debug', sieve: 'debug_log "x";', requires: ['vnd.dovecot.debug'], enabled: true };
    expect(problemsByRule(withRules(block))).toEqual(new Map());
    expect(problemsByRule(withRules({ ...block, requires: [] })).get(0)).toEqual([
      'raw block "Debug", line 1, column 1: command "debug_log" needs the Sieve extension "vnd.dovecot.debug"; add it to the block\'s requires (and the server does not offer "vnd.dovecot.debug")',
    ]);
  });
});
