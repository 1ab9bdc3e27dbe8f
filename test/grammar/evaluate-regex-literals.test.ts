// The evaluator refuses a value without running a regex when the value
// lacks a literal run every match contains (grammar/evaluate/regex-literals.ts).
// That shortcut must never refuse a value the regex engine matches: checked
// on 3,000 hostile regexes (fast-check, fixed seed) and subjects built to
// match them, both comparators.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { requiredLiterals } from '../../grammar/evaluate/regex-literals.js';
import { toByteString } from '../../grammar/regex/bytes.js';
import { compileParsed } from '../../grammar/regex/match.js';
import { parseRegex } from '../../grammar/regex/parse.js';
import { random } from '../support/random.js';
import { arbHostileRegex, subjectsFor } from '../support/regex-samples.js';

const SEED = Number(process.env.REGEX_SEED ?? 20261203);

test('a value the regex matches contains every required literal run', () => {
  let matched = 0;
  let withLiterals = 0;
  const cases = fc.sample(fc.tuple(arbHostileRegex, fc.boolean()), { seed: SEED, numRuns: 3_000 });
  cases.forEach(([source, caseSensitive], id) => {
    const parsed = parseRegex(source, { caseSensitive });
    if (!parsed.ok) return;
    const literals = requiredLiterals(parsed.regex);
    if (literals.length > 0) withLiterals++;
    const re = compileParsed(parsed.regex);
    for (const subject of subjectsFor(parsed.regex, random(SEED ^ id), 6)) {
      if (!re.test(subject)) continue;
      matched++;
      const bytes = toByteString(subject);
      const value = caseSensitive ? bytes : bytes.replace(/[a-z]+/g, (s) => s.toUpperCase());
      for (const l of literals) expect(value.includes(l), `${JSON.stringify(source)} matches ${JSON.stringify(subject)} without ${JSON.stringify(l)} (REGEX_SEED=${SEED})`).toBe(true);
    }
  });
  expect(matched).toBeGreaterThan(1_000);
  expect(withLiterals).toBeGreaterThan(500);
});

test('the runs of a regex written by the compiler: the Authentication-Results method and result, in upper case', () => {
  const parsed = parseRegex('^[[:space:]]*mx\\.example\\.org;(a|b)?dmarc[[:space:]]*=[[:space:]]*fail([[:space:];(]|$)');
  if (!parsed.ok) throw new Error('regex refused');
  expect(requiredLiterals(parsed.regex)).toEqual(['MX.EXAMPLE.ORG;', 'DMARC', '=', 'FAIL']);
  const octet = parseRegex('Re: (x|y)+ report', { caseSensitive: true });
  if (!octet.ok) throw new Error('regex refused');
  expect(requiredLiterals(octet.regex)).toEqual(['Re: ', ' report']);
});
