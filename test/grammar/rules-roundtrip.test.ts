import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { printRules } from '../../grammar/emit/rules-text.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { validateRuleSet } from '../../grammar/validate.js';
import type { RuleSet } from '../../grammar/model.js';
import { arbRawSieveText, arbRuleSet } from '../support/arbitraries.js';

// Every sound .rules file under test/fixtures, whoever wrote it for whatever test.
const fixtures = join(import.meta.dirname, '..', 'fixtures');
const goodFiles = readdirSync(fixtures, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.rules') && !f.split(/[\\/]/).includes('broken'))
  .sort();

function parseOk(text: string): RuleSet {
  const { ruleSet, diagnostics } = parseRules(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(ruleSet).not.toBeNull();
  return ruleSet as RuleSet;
}

describe('rules DSL round trip over fixtures', () => {
  test('there are fixtures to check', () => {
    expect(goodFiles.length).toBeGreaterThanOrEqual(8);
  });

  test.each(goodFiles)('%s parses without errors and printing it is a fixed point', (file) => {
    const text = readFileSync(join(fixtures, file), 'utf8');
    const printed = printRules(parseOk(text));
    expect(printRules(parseOk(printed))).toBe(printed);
    expect(parseOk(printed)).toStrictEqual(parseOk(text));
  });
});

describe('rules DSL round trip over generated models', () => {
  test('every generated model is valid, so the round trip covers only valid models', () => {
    fc.assert(
      fc.property(arbRuleSet, (rs) => {
        expect(validateRuleSet(rs).filter((d) => d.severity === 'error')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  test('parsing the printed text of any valid model gives back the same model', () => {
    fc.assert(
      fc.property(arbRuleSet, (rs) => {
        expect(parseOk(printRules(rs))).toStrictEqual(rs);
      }),
      { numRuns: 1000 },
    );
  });

  // Switched off, so the block need not be valid Sieve (an enabled one is parsed and refused when it is not).
  test('raw blocks keep any content exactly, whichever form the printer picks', () => {
    fc.assert(
      fc.property(arbRuleSet, arbRawSieveText, (rs, sieve) => {
        const model: RuleSet = { ...rs, rules: [...rs.rules, { kind: 'raw', sieve, requires: [], enabled: false }] };
        expect(parseOk(printRules(model))).toStrictEqual(model);
      }),
      { numRuns: 300 },
    );
  });
});
