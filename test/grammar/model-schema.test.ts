// The model's schema against the code that reads models. Every model the
// test arbitraries build (the valid ones the front ends produce) passes the
// schema; every value the schema accepts, however odd, goes through the
// validator and the compiler without an exception: it compiles, or the
// diagnostics say why not. Seeded: SIEVEWRIGHT_PROPERTY_SEED replays a run.
import fc from 'fast-check';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import { ACTION_KINDS, ActionSchema, CONDITION_KINDS, ConditionSchema, RuleSetSchema, type Condition, type RuleSet } from '../../grammar/model.js';
import { validateRuleSet } from '../../grammar/validate.js';
import { arbAction, arbCondition, arbRuleSet } from '../support/arbitraries.js';
import { arbFromSchema } from '../support/schema-arbitrary.js';

const SEED = Number(process.env.SIEVEWRIGHT_PROPERTY_SEED ?? 20261203);

function kindsIn(c: Condition): string[] {
  if (c.kind === 'not') return [c.kind, ...kindsIn(c.condition)];
  if (c.kind === 'group') return [c.kind, ...c.conditions.flatMap(kindsIn)];
  return [c.kind];
}

describe(`the rule model's schema (seed ${SEED})`, () => {
  test('the arbitraries build every condition and action kind the schema lists', () => {
    const conditions = new Set(fc.sample(arbCondition, { numRuns: 2000, seed: SEED }).flatMap(kindsIn));
    const actions = new Set(fc.sample(arbAction, { numRuns: 500, seed: SEED }).map((a) => a.kind));
    expect([...conditions].sort()).toEqual([...CONDITION_KINDS].sort());
    expect([...actions].sort()).toEqual([...ACTION_KINDS].sort());
  });

  test('every generated model passes the schema', () => {
    fc.assert(
      fc.property(arbRuleSet, arbCondition, arbAction, (rs, condition, action) => {
        expect(Value.Errors(RuleSetSchema, rs).First()).toBeUndefined();
        expect(Value.Check(ConditionSchema, condition)).toBe(true);
        expect(Value.Check(ActionSchema, action)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  test('every schema-valid model is validated and compiled without an exception: it compiles or has an error diagnostic', () => {
    fc.assert(
      fc.property(arbFromSchema(RuleSetSchema), (value) => {
        expect(Value.Check(RuleSetSchema, value)).toBe(true);
        const rs = value as RuleSet;
        const diagnostics = validateRuleSet(rs);
        expect(Array.isArray(diagnostics)).toBe(true);
        const result = compileRuleSet(rs);
        if (!result.ok) expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        else expect(result.sieve).not.toBe('');
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('the generator reaches the odd corners: invalid values that only the validator catches', () => {
    const codes = new Set(
      fc.sample(arbFromSchema(RuleSetSchema), { numRuns: 300, seed: SEED }).flatMap((v) => validateRuleSet(v as RuleSet).map((d) => d.code)),
    );
    for (const code of ['empty_folder', 'bad_pattern', 'bad_address', 'empty_list']) expect(codes).toContain(code);
  });
});
