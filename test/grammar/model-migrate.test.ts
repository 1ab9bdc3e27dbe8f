import { describe, expect, test } from 'vitest';
import { emptyRuleSet } from '../../grammar/model.js';
import { fromStored, MIGRATION_STEPS, MODEL_VERSION, ModelVersionError, toStored } from '../../grammar/model-migrate.js';

describe('stored rule sets and model versions', () => {
  test('there is one step from every older version to the next', () => {
    expect(MIGRATION_STEPS).toHaveLength(MODEL_VERSION);
  });

  test('a rule set is stored with the current version and read back unchanged', () => {
    const rs = { ...emptyRuleSet(), whitelist: [{ pattern: '*@example.org', authenticated: true }] };
    expect(toStored(rs).modelVersion).toBe(MODEL_VERSION);
    expect(fromStored(JSON.parse(JSON.stringify(toStored(rs))))).toEqual(rs);
  });

  test('a rule set stored before the version field is version 0 and upgraded', () => {
    const legacy = JSON.parse(JSON.stringify(emptyRuleSet()));
    expect(fromStored(legacy)).toEqual(emptyRuleSet());
  });

  test.each([
    ['a newer version', { ...emptyRuleSet(), modelVersion: MODEL_VERSION + 1 }, /newer than this server/],
    ['a version that is not a whole number', { ...emptyRuleSet(), modelVersion: '1' }, /not a version number/],
    ['not an object', [], /JSON object/],
  ])('%s is refused', (_what, stored, message) => {
    expect(() => fromStored(stored)).toThrow(ModelVersionError);
    expect(() => fromStored(stored)).toThrow(message);
  });
});
