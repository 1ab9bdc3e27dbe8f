// Stored rule sets outlive the code that wrote them. Each one is stored with
// the version of the model it was written in, and reading it runs the steps
// from that version up to this code's, so a change to the model ships with
// the step that converts what is already stored (server/store keeps every
// version of every user's rules).
import type { RuleSet } from './model.js';

/** The model version this code reads and writes: the number of steps below. */
export const MODEL_VERSION = 1;

/** A rule set as stored: the model and the version it was written in. */
export type StoredRuleSet = RuleSet & { modelVersion: number };

type Json = Record<string, unknown>;

/** `STEPS[n]` turns a rule set of model version n into one of version n + 1. */
export const MIGRATION_STEPS: ReadonlyArray<(old: Json) => Json> = [
  // 0 -> 1: rule sets stored before the version field; the model itself did not change.
  (old) => old,
];

/** A stored rule set this code cannot read: not an object, or from a newer model version. */
export class ModelVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelVersionError';
  }
}

export function toStored(ruleSet: RuleSet): StoredRuleSet {
  return { ...ruleSet, modelVersion: MODEL_VERSION };
}

/** The rule set a stored one holds, brought up to MODEL_VERSION; one without a version is version 0. */
export function fromStored(stored: unknown): RuleSet {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw new ModelVersionError('a stored rule set must be a JSON object');
  const { modelVersion = 0, ...ruleSet } = stored as Json;
  if (typeof modelVersion !== 'number' || !Number.isInteger(modelVersion) || modelVersion < 0) {
    throw new ModelVersionError(`a stored rule set has the model version ${JSON.stringify(modelVersion)}, which is not a version number`);
  }
  if (modelVersion > MODEL_VERSION) {
    throw new ModelVersionError(`a stored rule set has model version ${modelVersion}, newer than this server's ${MODEL_VERSION}; run the newer server`);
  }
  return MIGRATION_STEPS.slice(modelVersion).reduce((model, step) => step(model), ruleSet) as RuleSet;
}
