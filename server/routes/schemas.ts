// TypeBox schemas of the HTTP API's requests: the single source of request
// validation (responses.ts has the replies, contract.ts the route table).
// Rule sets are checked with the model's own schema (grammar/model-schema.ts)
// under the API's size limits.
import { Type, type Static } from '@sinclair/typebox';
import { modelSchemas } from '../../grammar/model.js';
import { USERNAME_PATTERN } from '../services/username.js';

const Name = Type.String({ maxLength: 200 });

const obj = <T extends Parameters<typeof Type.Object>[0]>(props: T) => Type.Object(props, { additionalProperties: false });

/** The model's own schemas with the API's limits, so no request is larger than a rule set can sensibly be. */
export const ApiModel = modelSchemas({
  text: 65_536,
  name: 200,
  sieve: 1_000_000,
  values: 10_000,
  names: 100,
  conditions: 1000,
  actions: 100,
  addresses: 100,
  senders: 100_000,
  rules: 10_000,
});
const RuleSetSchema = ApiModel.RuleSet;

const RulesText = Type.String({ maxLength: 2_000_000 });

/** Rules arrive as the model or as DSL text. */
export const RulesInput = Type.Union([
  obj({ ruleSet: RuleSetSchema, baseVersion: Type.Optional(Type.Integer({ minimum: 0 })) }),
  obj({ text: RulesText, baseVersion: Type.Optional(Type.Integer({ minimum: 0 })) }),
]);
export type RulesInput = Static<typeof RulesInput>;

export const LoginBody = obj({
  // The one username rule: no master-user separator, no path tricks; a username names one mailbox.
  username: Type.String({ minLength: 1, maxLength: 128, pattern: USERNAME_PATTERN }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type LoginBody = Static<typeof LoginBody>;

/** One page of history, newest first: versions below `before`. */
export const HistoryQuery = obj({
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});
export type HistoryQuery = Static<typeof HistoryQuery>;

export const VersionParams = obj({ version: Type.Integer({ minimum: 1 }) });
export type VersionParams = Static<typeof VersionParams>;

export const OverridesBody = obj({ disabled: Type.Array(Name, { maxItems: 1000 }) });
export type OverridesBody = Static<typeof OverridesBody>;

export const ImportSieveBody = obj({ text: RulesText });
export type ImportSieveBody = Static<typeof ImportSieveBody>;

export const ImportProcmailBody = obj({
  text: RulesText,
  folderMap: Type.Optional(Type.Record(Type.String({ maxLength: 1000 }), Type.String({ maxLength: 1000 }))),
});
export type ImportProcmailBody = Static<typeof ImportProcmailBody>;

/** RFC 5804: a script name has no control characters. */
export const ReplaceScriptBody = obj({ name: Type.String({ minLength: 1, maxLength: 1024, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]+$' }) });
export type ReplaceScriptBody = Static<typeof ReplaceScriptBody>;

export const LimitQuery = obj({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) });
export type LimitQuery = Static<typeof LimitQuery>;

/** One page of the admin's users list, by username. */
export const UsersPageQuery = obj({
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export type UsersPageQuery = Static<typeof UsersPageQuery>;

export const DefaultsBody = obj({ text: RulesText });
export type DefaultsBody = Static<typeof DefaultsBody>;

export const PolicyBody = obj({
  allowedRedirectDomains: Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9*][A-Za-z0-9.-]*$' }), { maxItems: 1000 }),
  allowedActions: Type.Array(Name, { maxItems: 50 }),
  maxRules: Type.Integer({ minimum: 0, maximum: 10_000 }),
  redirectOutside: Type.Optional(Type.Union([Type.Literal('refuse'), Type.Literal('alert')])),
});
export type PolicyBody = Static<typeof PolicyBody>;

export const JobParams = obj({ jobId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
export type JobParams = Static<typeof JobParams>;

