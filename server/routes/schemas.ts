// TypeBox schemas of the HTTP API's requests: the single source of request
// validation (responses.ts has the replies, contract.ts the route table).
// The rule-set schema mirrors grammar/model.ts; the type assertions at the
// bottom fail to compile if the two drift apart.
import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import type { RuleSet } from '../../grammar/model.js';
import { USERNAME_PATTERN } from '../services/username.js';

function oneOf<const T extends readonly [string, ...string[]]>(...values: T): TUnion<Array<TLiteral<T[number]>>> {
  return Type.Union(values.map((v) => Type.Literal(v))) as TUnion<Array<TLiteral<T[number]>>>;
}

const Str = Type.String({ maxLength: 65_536 });
const Name = Type.String({ maxLength: 200 });

const MatchType = oneOf('is', 'contains', 'matches', 'regex');
const StringMatch = Type.Object(
  { match: MatchType, values: Type.Array(Str, { maxItems: 10_000 }), caseSensitive: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const Part = oneOf('all', 'localpart', 'domain');
const AddressHeader = oneOf('from', 'to', 'cc', 'bcc', 'sender', 'reply-to', 'any');
const AuthResult = oneOf('pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror');
const Combine = oneOf('all', 'any', 'none');
const Names = Type.Array(Name, { maxItems: 100 });

const obj = <T extends Parameters<typeof Type.Object>[0]>(props: T) => Type.Object(props, { additionalProperties: false });

export const ConditionSchema = Type.Recursive(
  (Self) =>
    Type.Union([
      obj({ kind: Type.Literal('address'), header: AddressHeader, part: Part, test: StringMatch }),
      obj({ kind: Type.Literal('envelope'), field: oneOf('from', 'to'), part: Part, test: StringMatch }),
      obj({ kind: Type.Literal('header'), names: Names, test: StringMatch }),
      obj({ kind: Type.Literal('subject'), test: StringMatch }),
      obj({ kind: Type.Literal('list-id'), test: StringMatch }),
      obj({ kind: Type.Literal('size'), comparison: oneOf('over', 'under'), bytes: Type.Integer({ minimum: 0 }) }),
      obj({ kind: Type.Literal('body'), test: StringMatch }),
      obj({ kind: Type.Literal('exists'), names: Names }),
      obj({
        kind: Type.Literal('auth'),
        method: oneOf('dmarc', 'dkim', 'spf'),
        result: AuthResult,
      }),
      obj({ kind: Type.Literal('spam-score'), atLeast: Type.Number() }),
      obj({ kind: Type.Literal('always') }),
      obj({ kind: Type.Literal('not'), condition: Self }),
      obj({ kind: Type.Literal('group'), combine: Combine, conditions: Type.Array(Self, { maxItems: 1000 }) }),
    ]),
  { $id: 'Condition' },
);

const Vacation = obj({
  days: Type.Optional(Type.Integer()),
  subject: Type.Optional(Str),
  from: Type.Optional(Str),
  addresses: Type.Optional(Type.Array(Str, { maxItems: 100 })),
  message: Str,
  start: Type.Optional(Str),
  end: Type.Optional(Str),
});

const ActionSchema = Type.Union([
  obj({ kind: Type.Literal('fileinto'), folder: Str, copy: Type.Optional(Type.Boolean()), create: Type.Optional(Type.Boolean()) }),
  obj({ kind: Type.Literal('redirect'), address: Str, copy: Type.Optional(Type.Boolean()) }),
  obj({ kind: Type.Literal('reject'), reason: Str }),
  obj({ kind: Type.Literal('discard') }),
  obj({ kind: Type.Literal('keep') }),
  obj({ kind: Type.Literal('mark-read') }),
  obj({ kind: Type.Literal('flag') }),
  obj({ kind: Type.Literal('keyword'), keyword: Str }),
  obj({ kind: Type.Literal('vacation'), vacation: Vacation }),
  obj({ kind: Type.Literal('stop') }),
]);

const RuleSchema = obj({
  name: Name,
  enabled: Type.Boolean(),
  combine: Combine,
  conditions: Type.Array(ConditionSchema, { maxItems: 1000 }),
  actions: Type.Array(ActionSchema, { maxItems: 100 }),
  locked: Type.Optional(Type.Boolean()),
  placement: Type.Optional(oneOf('before', 'after')),
});

const RawBlockSchema = obj({
  kind: Type.Literal('raw'),
  name: Type.Optional(Name),
  sieve: Type.String({ maxLength: 1_000_000 }),
  requires: Type.Array(Name, { maxItems: 100 }),
  enabled: Type.Boolean(),
});

export const RuleSetSchema = obj({
  settings: obj({
    junkFolder: Str,
    threshold: Type.Number(),
    trustedAuthservId: Type.Optional(Str),
    spamFilter: Type.Optional(Type.Boolean()),
  }),
  whitelist: Type.Array(obj({ pattern: Str, authenticated: Type.Boolean() }), { maxItems: 100_000 }),
  blocklist: Type.Array(
    obj({ pattern: Str, action: oneOf('junk', 'discard', 'reject') }),
    { maxItems: 100_000 },
  ),
  rules: Type.Array(Type.Union([RawBlockSchema, RuleSchema]), { maxItems: 10_000 }),
});

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

export const DefaultsBody = obj({ text: RulesText });
export type DefaultsBody = Static<typeof DefaultsBody>;

export const PolicyBody = obj({
  allowedRedirectDomains: Type.Array(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9*][A-Za-z0-9.-]*$' }), { maxItems: 1000 }),
  allowedActions: Type.Array(Name, { maxItems: 50 }),
  maxRules: Type.Integer({ minimum: 0, maximum: 10_000 }),
  redirectOutside: Type.Optional(oneOf('refuse', 'alert')),
});
export type PolicyBody = Static<typeof PolicyBody>;

export const JobParams = obj({ jobId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
export type JobParams = Static<typeof JobParams>;

// Compile-time guards: the schema's type and the model must stay assignable both ways.
type Assert<T extends true> = T;
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type RuleSetSchemaMatchesModel = Assert<Mutual<Omit<Static<typeof RuleSetSchema>, 'rules'>, Omit<RuleSet, 'rules'>>>;
export type RuleSchemaFitsModel = Assert<[Static<typeof RuleSchema>] extends [RuleSet['rules'][number]] ? true : false>;
