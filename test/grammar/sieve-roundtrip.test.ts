// Our own output reads back exactly: for any rule set the compiler accepts,
// compile(import(compile(m).sieve)) === compile(m).sieve.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import { importSieve } from '../../grammar/import/sieve.js';
import { emptyRuleSet } from '../../grammar/model.js';
import { arbRuleSet } from '../support/arbitraries.js';

describe('round trip of sievewright output', () => {
  test('compiling the import of a compiled rule set gives the same script', () => {
    fc.assert(
      fc.property(arbRuleSet, (rs) => {
        const first = compileRuleSet(rs);
        fc.pre(first.ok);
        const imported = importSieve(first.sieve, { limits: { maxScriptBytes: 0 } });
        expect(imported.diagnostics).toEqual([]);
        expect(compileRuleSet(imported.ruleSet).sieve).toBe(first.sieve);
      }),
      { numRuns: 200 },
    );
  });

  test('every rule of a compiled rule set comes back as a rule, none as raw', () => {
    fc.assert(
      fc.property(arbRuleSet, (rs) => {
        const first = compileRuleSet(rs);
        fc.pre(first.ok);
        const imported = importSieve(first.sieve, { limits: { maxScriptBytes: 0 } });
        const ruleCount = rs.rules.filter((r) => !('kind' in r)).length;
        expect(imported.report.filter((e) => e.kind === 'rule')).toHaveLength(ruleCount);
      }),
      { numRuns: 100 },
    );
  });

  test('a raw block laid out like a rule, with blank lines around it, reads back verbatim', () => {
    const rs = emptyRuleSet();
    rs.rules = [{ kind: 'raw', name: 'R', sieve: '\nif body :raw :contains "x"\n{\n\tdiscard;\n}\n\n', requires: ['body'], enabled: true }];
    const script = compileRuleSet(rs).sieve;
    const imported = importSieve(script);
    expect(imported.ruleSet.rules).toEqual(rs.rules);
    expect(imported.report).toEqual([{ kind: 'raw', name: 'R', startLine: 11, endLine: 15, reason: "'body' with tag ':raw'" }]);
    expect(compileRuleSet(imported.ruleSet).sieve).toBe(script);
  });
});
