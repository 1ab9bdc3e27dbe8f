// A server's error line mapped back to the user's rule: read from the
// emitted script's markers, it must agree with the emitter's own line map
// for every line of every script, and ignore marker-like text that is not a
// top-level comment.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { emitSieve } from '../../grammar/emit/sieve.js';
import { commentText } from '../../grammar/emit/sieve-strings.js';
import { locateError, rulesOf } from '../../grammar/error-location.js';
import { emptyRuleSet, type Rule, type RuleSet } from '../../grammar/model.js';
import { arbRuleSet } from '../support/arbitraries.js';

const SEED = 20261203;
const RUNS = 100;

function rule(name: string, subject: string): Rule {
  return { name, enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'is', values: [subject] } }], actions: [{ kind: 'keep' }] };
}

const lineOf = (script: string, text: string) => script.split('\n').indexOf(text) + 1;

describe('error location', () => {
  test(`every script line maps to the rule the emitter's line map puts it in (${RUNS} rule sets, seed ${SEED})`, () => {
    fc.assert(
      fc.property(arbRuleSet, (rs: RuleSet) => {
        const out = emitSieve(rs);
        const count = out.sieve.split('\n').length - 1; // the script ends with a line break
        const ruleAt = rulesOf(out.sieve);
        for (let line = 1; line <= count; line++) {
          const entry = out.lineMap.find((e) => line >= e.startLine && line <= e.endLine);
          const rule = ruleAt(line);
          expect(rule && { index: rule.ruleIndex, name: rule.name, marker: rule.markerLine }, `line ${line}`).toEqual(
            entry ? { index: entry.ruleIndex, name: commentText(entry.name), marker: entry.startLine } : null,
          );
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('a marker-like line inside a multi-line string is data, not a rule boundary', () => {
    const rs = { ...emptyRuleSet(), rules: [rule('Real', 'first\n# rule:[Fake]\nlast'), rule('Next', 'x')] };
    const { sieve } = emitSieve(rs);
    const fakeLine = lineOf(sieve, '# rule:[Fake]');
    expect(fakeLine).toBeGreaterThan(0);
    expect(locateError(sieve, [fakeLine + 1]).rule?.name).toBe('Real');
  });

  test('the first error inside a rule wins over one on the require line; without one the first line is kept', () => {
    const { sieve } = emitSieve({ ...emptyRuleSet(), rules: [rule('One', 'a'), rule('Two', 'b')] });
    const two = lineOf(sieve, '# rule:[Two]');
    expect(locateError(sieve, [1, null, two + 1])).toEqual({ line: two + 1, rule: { name: 'Two', ruleIndex: 1, markerLine: two } });
    expect(locateError(sieve, [1])).toEqual({ line: 1, rule: null });
    expect(locateError(sieve, [null])).toEqual({ line: null, rule: null });
  });

  test('a script our parser cannot read still reports the line, with no rule', () => {
    expect(locateError('# rule:[A]\nif true {\n', [2])).toEqual({ line: 2, rule: null });
  });
});
