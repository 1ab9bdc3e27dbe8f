import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { printRules, quote } from '../../grammar/emit/rules-text.js';
import { emptyRuleSet, type Action, type Condition, type RuleItem, type RuleSet } from '../../grammar/model.js';
import { parseRules, readRules } from '../../grammar/parse-rules.js';

function withRules(...rules: RuleItem[]): RuleSet {
  return { ...emptyRuleSet(), rules };
}

function rule(conditions: Condition[], actions: Action[] = [{ kind: 'keep' }], combine: 'all' | 'any' | 'none' = 'all'): RuleItem {
  return { name: 'R', enabled: true, combine, conditions, actions };
}

/** The text printed for the model, after checking that it reads back as the same model. */
function printed(rs: RuleSet): string {
  const text = printRules(rs);
  expect(readRules(text)).toStrictEqual({ ruleSet: rs, diagnostics: [] });
  return text;
}

describe('printRules', () => {
  test('the issue example is already in canonical form and prints back byte for byte', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'rules', 'issue-example.rules'), 'utf8');
    const { ruleSet } = parseRules(text);
    expect(ruleSet && printRules(ruleSet)).toBe(text);
  });

  test.each([
    ['plain text', 'abc', '"abc"'],
    ['quotes and backslashes', 'a"b\\c', '"a\\"b\\\\c"'],
    ['line breaks and tabs', 'a\r\nb\tc', '"a\\r\\nb\\tc"'],
    ['control characters', '\u0007\u001b\u007f\u0085', '"\\u{7}\\u{1B}\\u{7F}\\u{85}"'],
    ['invisible separators and a byte-order mark', '\u2028\u2029\ufeff', '"\\u{2028}\\u{2029}\\u{FEFF}"'],
    ['an unpaired surrogate', 'a\ud800b', '"a\\u{D800}b"'],
    ['non-ASCII text, which stays readable', 'Grüße 日本 😀', '"Grüße 日本 😀"'],
    ['Sieve and DSL syntax, which is only data', '${x} # } rule', '"${x} # } rule"'],
  ])('strings with %s are quoted so they read back unchanged', (_what, value, expected) => {
    expect(quote(value)).toBe(expected);
    const text = printed(withRules(rule([{ kind: 'subject', test: { match: 'is', values: [value] } }])));
    expect(text).toContain(`subject is ${expected}`);
  });

  test.each([
    [5, '5.0'],
    [0.1, '0.1'],
    [-2.5, '-2.5'],
    [-0, '-0.0'],
    [1e21, '1e+21'],
  ])('the number %d is written as %s', (threshold, expected) => {
    const text = printed({ ...emptyRuleSet(), settings: { junkFolder: 'Junk', threshold } });
    expect(text).toContain(`spam threshold ${expected}\n`);
  });

  test.each([
    [0, '0'],
    [1536, '1536'],
    [1024, '1K'],
    [5 * 1024 * 1024, '5M'],
    [3 * 1024 ** 3, '3G'],
  ])('a size of %d bytes is written as %s', (bytes, expected) => {
    expect(printed(withRules(rule([{ kind: 'size', comparison: 'over', bytes }])))).toContain(`when size over ${expected}\n`);
  });

  test('raw Sieve that a text file shows faithfully is written as | lines', () => {
    const text = printed(withRules({ kind: 'raw', sieve: 'if true {\n\tkeep;\n}\n', requires: [], enabled: true }));
    expect(text).toContain('raw {\n  | if true {\n  | \tkeep;\n  | }\n  |\n}\n');
  });

  test('raw Sieve with carriage returns or control characters is written as an escaped string', () => {
    const text = printed(withRules({ kind: 'raw', name: 'N', sieve: 'keep;\r\n\u0001', requires: ['x'], enabled: false }));
    expect(text).toContain('raw "N" requires ["x"] disabled sieve "keep;\\r\\n\\u{1}"\n');
  });

  test('a single condition reads "when X"; a lone group keeps its explicit "all of"', () => {
    const group: Condition = { kind: 'group', combine: 'any', conditions: [{ kind: 'always' }] };
    expect(printed(withRules(rule([{ kind: 'always' }])))).toContain('  when always\n');
    expect(printed(withRules(rule([group])))).toContain('  when all of {\n    any of {\n      always\n    }\n  }\n');
    expect(printed(withRules(rule([{ kind: 'always' }], undefined, 'none')))).toContain('  when none of {\n    always\n  }\n');
  });

  test('models the validator refuses still print and read back: empty groups, no actions, odd dates', () => {
    // readRules skips the semantic checks that parseRules adds.
    const vacation: Action = { kind: 'vacation', vacation: { message: 'm', start: 'soon', addresses: [] } };
    const text = printed(withRules(rule([], []), rule([{ kind: 'group', combine: 'any', conditions: [] }], [vacation])));
    expect(text).toContain('  when all of { }\n}');
    expect(text).toContain('then vacation addresses [] start "soon" message "m"');
  });

  test('rule modifiers are written in one fixed order', () => {
    const r = { ...rule([{ kind: 'always' }]), locked: true, placement: 'after' as const, enabled: false };
    expect(printed(withRules(r))).toContain('rule "R" locked after disabled {');
  });
});
