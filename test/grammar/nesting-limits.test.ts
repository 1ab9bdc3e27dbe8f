// Hostile nesting in a procmailrc (thousands of braces, or parentheses in a
// condition's regular expression) is refused with a position instead of
// overflowing the stack; nesting within the limits still converts.
import { describe, expect, test } from 'vitest';
import { convertProcmail } from '../../grammar/import/procmail.js';
import { MAX_GROUP_DEPTH, parseProcmailRegex, RegexSyntaxError } from '../../grammar/import/procmail-regex.js';

const nestedBlocks = (levels: number) => `${':0\n{\n'.repeat(levels)}:0\nInner\n${'}\n'.repeat(levels)}`;
const nestedGroups = (levels: number) => `${'('.repeat(levels)}a${')'.repeat(levels)}`;

describe('procmail block nesting', () => {
  test('5,000 nested braces are a syntax error at the first brace past 64 levels, with line and column', () => {
    const { diagnostics, ruleSet } = convertProcmail(nestedBlocks(5000));
    expect(diagnostics).toEqual([
      { code: 'syntax', severity: 'error', message: 'blocks nested deeper than 64 levels; this file is not converted', start: { line: 130, column: 1 } },
    ]);
    expect(ruleSet.rules).toEqual([]);
  });

  test('64 nested blocks convert to one rule filing into the innermost folder', () => {
    const { diagnostics, ruleSet } = convertProcmail(nestedBlocks(64));
    expect(diagnostics).toEqual([]);
    expect(ruleSet.rules).toHaveLength(1);
    expect(JSON.stringify(ruleSet.rules[0])).toContain('"folder":"Inner"');
  });

  test('an include nested too deeply reports the position inside the included file', () => {
    const { diagnostics } = convertProcmail('INCLUDERC=deep.rc\n', { includes: { 'deep.rc': nestedBlocks(100) } });
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'syntax', start: { line: 130, column: 1 }, notes: ['in deep.rc'] })]);
  });
});

describe('procmail regular expression nesting', () => {
  test(`groups nest up to ${MAX_GROUP_DEPTH} levels; one more is a syntax error`, () => {
    expect(parseProcmailRegex(nestedGroups(MAX_GROUP_DEPTH))).toEqual({ t: 'char', set: { negated: false, ranges: [[97, 97]] } });
    expect(() => parseProcmailRegex(nestedGroups(MAX_GROUP_DEPTH + 1))).toThrow(RegexSyntaxError);
  });

  test('a recipe whose condition nests 10,000 groups is reported as not converted, on its line', () => {
    const { report, diagnostics } = convertProcmail(`# first\n:0\n* ^Subject: ${nestedGroups(10_000)}\nFolder\n`);
    expect(diagnostics).toEqual([]);
    expect(report.recipes).toEqual([expect.objectContaining({ line: 2, status: 'not-converted', reason: expect.stringContaining(`groups nested deeper than ${MAX_GROUP_DEPTH} levels`) })]);
  });

  test('a run of repetition operators is one operator, so 30,000 of them make a flat tree', () => {
    expect(parseProcmailRegex(`a${'*+?'.repeat(10_000)}`)).toEqual({ t: 'star', node: { t: 'char', set: { negated: false, ranges: [[97, 97]] } } });
    expect(parseProcmailRegex('a++')).toMatchObject({ t: 'plus', node: { t: 'char' } });
    expect(parseProcmailRegex('a??')).toMatchObject({ t: 'opt', node: { t: 'char' } });
    expect(parseProcmailRegex('a+?')).toMatchObject({ t: 'star', node: { t: 'char' } });
    const { report } = convertProcmail(`:0\n* ^Subject: x${'*'.repeat(30_000)}y\nFolder\n`);
    expect(report.recipes[0]?.status).not.toBe('not-converted');
  });
});
