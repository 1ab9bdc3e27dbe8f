// checkRegex skips the full parse for regexes isPlainRegex proves fine, so
// its verdicts stay the full parse's only if every regex it calls plain is
// one the parse accepts and the meaning check passes. Proven here on the
// hostile regexes of the Pigeonhole differential test and on regexes built
// from the constructs the fast path reads, with the edges of each.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { findMeaningProblem } from '../../grammar/regex/meaning.js';
import { MAX_EXPANDED_SIZE, parseRegex } from '../../grammar/regex/parse.js';
import { isPlainRegex } from '../../grammar/regex/plain.js';
import { arbHostileRegex } from '../support/regex-samples.js';

const SEED = 20261203;

function fullVerdict(regex: string, caseSensitive: boolean): string {
  const parsed = parseRegex(regex, { caseSensitive });
  if (!parsed.ok) return parsed.problem.code;
  return findMeaningProblem(parsed.regex)?.code ?? 'ok';
}

const PARTS = [
  'a', 'Z', '7', ' ', '-', ']', '}', '"', '.', '^', '$', '|', '(', ')', '()', '(a|)', '*', '+', '?', 'é', '\t', '\n',
  '\\.', '\\[', '\\]', '\\(', '\\{', '\\}', '\\-', '\\ ', '\\b', '\\B', '\\w', '\\s', '\\W', '\\S', '\\<', '\\>', "\\'", '\\`', '\\d', '\\0', '\\1', '\\é', '\\',
  '{2}', '{0}', '{1,3}', '{2,}', '{3,1}', '{,2}', '{1\\,2}', '{32767}', '{32768}', '{99999}', '{1,32768}', '{999}', '{1000}', '{', 'x{1',
  '[a-z]', '[z-a]', '[0-9]', '[A-Z]', '[a-Z]', '[A-z]', '[0-z]', '[]a]', '[^]a]', '[a-]', '[-a]', '[--z]', '[a-c-e]', '[]-a]', '[]-]',
  '[[:alpha:]]', '[[:foo:]]', '[[:alpha:]-z]', '[a-[:digit:]]', '[^[:space:];]', '[._-]', '[\\]]', '[\\\\]', '[[.a.]]', '[[=a=]]', '[é]', '[[a]',
  '[', '[^', '[]', '[a', '[[:alpha:]',
];
const arbBuilt = fc.array(fc.constantFrom(...PARTS), { minLength: 1, maxLength: 10 }).map((parts) => parts.join(''));

test.each([
  ['hostile', arbHostileRegex],
  ['built from the plain constructs', arbBuilt],
])('a regex called plain (%s) is one the full check passes, either case mode', (_, arb) => {
  let plain = 0;
  for (const [regex, caseSensitive] of fc.sample(fc.tuple(arb, fc.boolean()), { seed: SEED, numRuns: 30_000 })) {
    if (!isPlainRegex(regex)) continue;
    plain++;
    expect(fullVerdict(regex, caseSensitive), JSON.stringify(regex)).toBe('ok');
  }
  // The property says something only if the fast path takes a fair share.
  expect(plain).toBeGreaterThan(1_000);
});

test('the regexes people write are plain', () => {
  for (const regex of [
    '^\\[(ticket|bug) #[0-9]+\\] project1',
    'invoice[[:space:]]+[0-9]{4,8}-2',
    '^(re|fwd?):[[:space:]]*report 3$',
    '[[:alnum:]._-]+@dept4\\.example\\.org$',
    '(urgent|important)!{1,3} .*case 5',
    '\\bnewsletter6\\b|weekly digest #6',
    '^[^[:space:];]*\\.example\\.org( |$)',
  ]) {
    expect(isPlainRegex(regex), regex).toBe(true);
  }
});

test('the size limit is the full check\'s, to the step', () => {
  const atLimit = `(a){${(MAX_EXPANDED_SIZE - 2) / 2}}`;
  expect([isPlainRegex(`a{${MAX_EXPANDED_SIZE - 1}}`), isPlainRegex(atLimit)]).toEqual([true, true]);
  for (const regex of [`a{${MAX_EXPANDED_SIZE}}`, `x|a{${MAX_EXPANDED_SIZE - 2}}`, '(a{1000}){3}']) {
    expect([isPlainRegex(regex), fullVerdict(regex, false)], regex).toEqual([false, 'regex_too_big']);
  }
});
