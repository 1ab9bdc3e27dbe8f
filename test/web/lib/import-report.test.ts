import { describe, expect, test } from 'vitest';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { appendImported, guessFormat, normalizeReport } from '../../../web/lib/import-report.js';

describe('import report and accept', () => {
  test.each([
    ['require "fileinto";\nif true { keep; }', 'sieve'],
    [':0:\n* ^From:.*boss\nwork/', 'procmail'],
    ['# comment\nif header :is "x" "y" { discard; }', 'sieve'],
  ])('the format of %j is guessed as %s', (text, format) => {
    expect(guessFormat(text)).toBe(format);
  });

  test('a Sieve report becomes one row per block with its line range', () => {
    expect(normalizeReport([{ kind: 'raw', startLine: 3, endLine: 9, reason: 'uses variables', name: 'Block' }])).toEqual([
      { line: 3, endLine: 9, status: 'raw', reason: 'uses variables', ruleName: 'Block' },
    ]);
  });

  test('a procmail report object yields its per-recipe rows', () => {
    const rows = [{ line: 4, status: 'not-converted' as const, reason: 'pipes to a program' }];
    const counts = { exact: 0, changed: 0, 'not-converted': 1, 'dropped-on-purpose': 0 };
    expect(normalizeReport({ recipes: rows, counts, fullyConverted: false, notes: [] })).toEqual(rows);
  });

  test('accepting appends rules, merges sender lists and renames clashing rule names', () => {
    const current: RuleSet = {
      ...emptyRuleSet(),
      whitelist: [{ pattern: 'a@x.org', authenticated: true }],
      rules: [{ name: 'Lists', enabled: true, combine: 'all', conditions: [], actions: [{ kind: 'keep' }] }],
    };
    const imported: RuleSet = {
      ...emptyRuleSet(),
      whitelist: [
        { pattern: 'a@x.org', authenticated: false },
        { pattern: 'b@x.org', authenticated: false },
      ],
      rules: [{ name: 'Lists', enabled: true, combine: 'all', conditions: [], actions: [{ kind: 'discard' }] }],
    };
    const out = appendImported(current, imported);
    expect(out.whitelist.map((e) => e.pattern)).toEqual(['a@x.org', 'b@x.org']);
    expect(out.rules.map((r) => ('name' in r ? r.name : ''))).toEqual(['Lists', 'Lists (imported 2)']);
    expect(current.rules).toHaveLength(1);
  });
});
