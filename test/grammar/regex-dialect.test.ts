// The regex dialect on named cases: what the mail server refuses, what it
// reads differently from what is written, and how it matches. Each verdict
// and match here is also covered against the real Pigeonhole by
// regex-pigeonhole.test.ts; these cases pin the messages and the semantics
// the issue is about.
import { describe, expect, test } from 'vitest';
import { checkRegex } from '../../grammar/regex/check.js';
import { compileRegex, matchesRegex, RegexError } from '../../grammar/regex/match.js';
import { validateRuleSet } from '../../grammar/validate.js';
import { DEFAULT_SETTINGS, type RuleSet } from '../../grammar/model.js';

const verdict = (regex: string, caseSensitive = false): string => checkRegex(regex, { caseSensitive })?.code ?? 'ok';

describe('what the mail server refuses is bad_regex', () => {
  test.each([
    ['ticket{', 'the "{" at column 7 is never closed'],
    ['x{1', 'the "{" at column 2 is never closed'],
    ['[[:foo:]]', '"[:foo:]" is not a character class'],
    ['\\p{L}', '"\\p{...}" at column 1 is a Unicode property'],
    ['(?:a)', '"(?" at column 2 starts a Perl group'],
    ['a(?=b)', '"(?" at column 3 starts a Perl group'],
    ['(a', 'the "(" at column 1 is never closed'],
    ['[a', 'a bracket expression "[" is not closed'],
    ['a{3,1}', 'must hold a repetition count'],
    ['a{32768}', 'over 32767'],
    ['*a', '"*" at column 1 has nothing to repeat'],
    ['a|+b', '"+" at column 3 has nothing to repeat'],
    ['^*', '"*" at column 2 has nothing to repeat'],
    ['[z-a]', 'ends before it starts'],
    ['[a-b-c]', '"-" at column 5 is neither a range'],
    ['[[:alpha:]-z]', '"-" at column 11 is neither a range'],
    ['[[.ab.]]', 'exactly one single-byte character'],
    ['\\1(a)', 'there are only 0 groups before it'],
    ['(a)|\\1', 'lies in another alternative'],
    ['abc\\', 'ends in a backslash'],
  ])('%j', (regex, message) => {
    const problem = checkRegex(regex);
    expect(problem?.code).toBe('bad_regex');
    expect(problem?.message).toContain(message);
  });

  test('a range can be fine case-sensitively and backwards under the default comparator, which upper-cases the regex', () => {
    expect(verdict('[Z-a]', true)).toBe('ok');
    expect(verdict('[Z-a]', false)).toBe('bad_regex');
  });

  test('columns count characters, not UTF-8 bytes', () => {
    expect(checkRegex('éé{')?.message).toContain('the "{" at column 3 is never closed');
  });
});

describe('what the mail server reads differently from what is written is regex_not_posix', () => {
  test.each([
    ['invoice \\d+', '"\\d" at column 9 is not understood by the mail server, which reads it as a plain "d"; use [0-9]'],
    ['\\D', 'use [^0-9]'],
    ['a\\tb', 'use [[:blank:]] or a tab character'],
    ['\\Aabc', 'use ^'],
    ['\\x41', 'write the character itself'],
    ['a+?', '"+?" at column 2 is a lazy quantifier'],
    ['a*+', 'possessive'],
    ['a{2}{3}', 'repeats a repetition'],
    ['a{,3}', 'write {0,3}'],
    ['a{1\\,3}', 'holds a backslash'],
    ['\\<word\\>', 'the mail server reads "\\<" as the start of a word'],
    ['[\\d]', 'ordinary character inside "[...]"'],
    ['[\\]]', 'ordinary character inside "[...]"'],
    ['caf[éè]', 'holds a non-ASCII character'],
    ['né+', 'repeats only the last byte of a multibyte character'],
    ['a)', 'closes no group'],
    ['(a)\\1*', 'repeats a back-reference'],
    ['a\nb', 'cannot hold a line break'],
  ])('%j', (regex, message) => {
    const problem = checkRegex(regex);
    expect(problem?.code).toBe('regex_not_posix');
    expect(problem?.message).toContain(message);
  });

  test.each(['\\w+', '\\W', '\\s', '\\S', '\\bword\\b', '\\Bx', '[\\\\]', '\\.', '\\{', '\\\\', 'é', '(é)+', '[]a]', '[a-]', '[[:alpha:]]', '[[.-.]]', '[[=a=]]', 'a||b', '(|a)', '^$', 'x*^a', '(a)\\1', '.{0,255}'])(
    '%j is accepted: it means the same on the server',
    (regex) => {
      expect(checkRegex(regex)).toBeNull();
    },
  );

  test('sizes that make the server compile slowly are refused as regex_too_big', () => {
    expect(verdict('.{0,1999}')).toBe('ok');
    expect(verdict('(([0-9]*)+){300}')).toBe('regex_too_big');
    expect(verdict('a{32767}')).toBe('regex_too_big');
  });
});

describe('matchesRegex follows glibc in the C locale', () => {
  const m = (regex: string, subject: string, caseSensitive = false): boolean => matchesRegex(regex, subject, { caseSensitive });

  test('the match is a search: unanchored unless ^ or $ say otherwise, and they are the ends of the whole value', () => {
    expect(m('b', 'abc')).toBe(true);
    expect(m('^b', 'abc')).toBe(false);
    expect(m('a^b', 'ab')).toBe(false);
    expect(m('x*^a', 'a')).toBe(true);
    expect(m('^b', 'a\nb')).toBe(false);
    expect(m('a.b', 'a\nb')).toBe(true);
    expect(m('[^x]', '\n')).toBe(true);
  });

  test('. and bracket expressions take one byte of UTF-8, not one character', () => {
    expect(m('^.$', 'é')).toBe(false);
    expect(m('^..$', 'é')).toBe(true);
    expect(m('^caf.$', 'café')).toBe(false);
    expect(m('^[é][é]$', 'é')).toBe(true);
    expect(m('^é$', 'é')).toBe(true);
  });

  test('the default comparator folds ASCII letters only, and a backslash-escaped letter keeps its case', () => {
    expect(m('ABC', 'xabcx')).toBe(true);
    expect(m('ABC', 'xabcx', true)).toBe(false);
    expect(m('É', 'é')).toBe(false);
    expect(m('[A-z]', '_')).toBe(false);
    expect(m('[A-z]', '_', true)).toBe(true);
    expect(m('[[:lower:]]', 'A')).toBe(true);
    expect(m('[[:lower:]]', 'A', true)).toBe(false);
    expect(m('(a)\\1', 'aA')).toBe(true);
  });

  test('bracket expressions: ] first, - last, classes, collating symbols and equivalence classes', () => {
    expect(m('^[]a]+$', ']a]')).toBe(true);
    expect(m('^[^]a]$', ']')).toBe(false);
    expect(m('^[a-]$', '-')).toBe(true);
    expect(m('^[[.-.]]$', '-')).toBe(true);
    expect(m('^[[=e=]]$', 'e')).toBe(true);
    expect(m('^[[:digit:][:space:]]+$', '1 2')).toBe(true);
    expect(m('^[\\]$', '\\')).toBe(true);
  });

  test('empty alternatives and groups match the empty string', () => {
    expect(m('a||b', 'zzz')).toBe(true);
    expect(m('^(|a)$', '')).toBe(true);
    expect(m('^()$', '')).toBe(true);
  });

  test('intervals, back-references and GNU word operators', () => {
    expect(m('^a{2,3}$', 'aaa')).toBe(true);
    expect(m('^a{2,3}$', 'aaaa')).toBe(false);
    expect(m('^a{0}b$', 'b')).toBe(true);
    expect(m('^(a|b)*\\1$', 'abb')).toBe(true);
    expect(m('(a|b)*\\1', 'aba')).toBe(false);
    expect(m('(a)?b\\1', 'b')).toBe(false);
    expect(m('\\bfoo\\b', 'a foo b')).toBe(true);
    expect(m('\\bfoo\\b', 'afoo')).toBe(false);
    expect(m('\\Bb', 'ab')).toBe(true);
    expect(m('^\\w+$', 'a_9')).toBe(true);
    expect(m('\\s', 'a\tb')).toBe(true);
  });

  test('a regex the server refuses cannot be evaluated', () => {
    expect(() => compileRegex('a{')).toThrow(RegexError);
    expect(() => compileRegex('a{')).toThrow(/never closed/);
  });

  test('a compiled regex is reusable and stays linear on patterns that make backtracking engines explode', () => {
    const r = compileRegex('^(a*)*b$');
    expect(r.test('a'.repeat(5000))).toBe(false);
    expect(r.test(`${'a'.repeat(5000)}b`)).toBe(true);
  });
});

test('validateRuleSet reports the regex problems with their codes and the rule', () => {
  const rs: RuleSet = {
    settings: DEFAULT_SETTINGS,
    whitelist: [],
    blocklist: [],
    rules: [
      { name: 'Tickets', enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'regex', values: ['ticket{', '\\d+', '[Z-a]'], caseSensitive: true } }], actions: [{ kind: 'keep' }] },
    ],
  };
  expect(validateRuleSet(rs).map((d) => [d.code, d.message])).toEqual([
    ['bad_regex', 'rule "Tickets": regular expression "ticket{": the "{" at column 7 is never closed (a literal "{" is written "\\{")'],
    ['regex_not_posix', 'rule "Tickets": regular expression "\\\\d+": "\\d" at column 1 is not understood by the mail server, which reads it as a plain "d"; use [0-9]'],
  ]);
});
