// The rule model, written once as TypeBox schemas. The TypeScript types, the
// lists of kinds and values the validator, importers, emitters and editors
// go through, and the HTTP API's request schema all derive from here, so a
// new value is added in one place. TypeBox is plain data and pure code, so
// the browser loads this module too.
import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';

function oneOf<const T extends readonly [string, ...string[]]>(...values: T): TUnion<Array<TLiteral<T[number]>>> {
  return Type.Union(values.map((v) => Type.Literal(v))) as TUnion<Array<TLiteral<T[number]>>>;
}

/** The values a union of literals allows, in the order it lists them. */
function valuesOf<T extends string>(union: TUnion<Array<TLiteral<T>>>): readonly T[] {
  return Object.freeze(union.anyOf.map((literal) => literal.const));
}

/**
 * The `kind` of each variant of a union of objects, `K` being the union of
 * those kinds (TRecursive does not type the union it wraps).
 */
function kindsOf<K extends string>(union: TSchema): readonly K[] {
  const variants = (union as unknown as { anyOf: Array<{ properties: { kind: TLiteral<K> } }> }).anyOf;
  return Object.freeze(variants.map((v) => v.properties.kind.const));
}

// Enumerations, listed in the order the editors offer them.
const MatchTypeSchema = oneOf('contains', 'is', 'matches', 'regex');
const AddressHeaderSchema = oneOf('from', 'to', 'cc', 'bcc', 'sender', 'reply-to', 'any');
/** `user` and `detail` are the parts of `user+detail@domain` (RFC 5233 subaddress). */
const AddressPartSchema = oneOf('all', 'localpart', 'domain', 'user', 'detail');
const AuthMethodSchema = oneOf('dmarc', 'spf', 'dkim');
const AuthResultSchema = oneOf('fail', 'pass', 'softfail', 'neutral', 'none', 'temperror', 'permerror');
const CombineSchema = oneOf('all', 'any', 'none');
const BlockActionSchema = oneOf('junk', 'discard', 'reject');
const EnvelopeField = oneOf('from', 'to');
const SizeComparison = oneOf('over', 'under');
const Placement = oneOf('before', 'after');
const RelationSchema = oneOf('gt', 'ge', 'lt', 'le', 'eq', 'ne');
const TestEngineSchema = oneOf('spam', 'virus');

export const MATCH_TYPES = valuesOf(MatchTypeSchema);
/** Every address header a condition may name; `any` stands for all the others. */
export const ADDRESS_HEADERS = valuesOf(AddressHeaderSchema);
/** The headers `any` covers. */
export const ANY_ADDRESS_HEADERS: ReadonlyArray<Exclude<AddressHeader, 'any'>> = ADDRESS_HEADERS.filter((h) => h !== 'any');
export const ADDRESS_PARTS = valuesOf(AddressPartSchema);
export const AUTH_METHODS = valuesOf(AuthMethodSchema);
export const AUTH_RESULTS = valuesOf(AuthResultSchema);
export const COMBINES = valuesOf(CombineSchema);
export const BLOCK_ACTIONS = valuesOf(BlockActionSchema);
/** Relational operators (RFC 5231), numeric: `:value` with i;ascii-numeric. */
export const RELATIONS = valuesOf(RelationSchema);
export const TEST_ENGINES = valuesOf(TestEngineSchema);

/**
 * Size limits a schema can carry. The model has none (an importer may make a
 * rule name of any length); the HTTP API sets its own against oversized
 * requests (server/routes/schemas.ts).
 */
export interface ModelLimits {
  /** Characters of free text and single-line fields (values, folders, addresses, messages). */
  text?: number;
  /** Characters of a rule, raw-block, header or capability name. */
  name?: number;
  /** Characters of a raw block's Sieve. */
  sieve?: number;
  /** Keys of one match. */
  values?: number;
  /** Header names of one test; capabilities one raw block requires. */
  names?: number;
  /** Conditions of one rule or group. */
  conditions?: number;
  /** Actions of one rule. */
  actions?: number;
  /** A vacation's own addresses. */
  addresses?: number;
  /** Entries of the whitelist, and of the blocklist. */
  senders?: number;
  /** Rules and raw blocks of one rule set. */
  rules?: number;
}

/** The model's schemas, with `limits` applied (none by default). */
export function modelSchemas(limits: ModelLimits = {}) {
  const string = (max: number | undefined) => Type.String(max === undefined ? {} : { maxLength: max });
  const array = <T extends TSchema>(item: T, max: number | undefined) => Type.Array(item, max === undefined ? {} : { maxItems: max });
  const obj = <T extends Parameters<typeof Type.Object>[0]>(props: T) => Type.Object(props, { additionalProperties: false });
  const Text = string(limits.text);
  const Name = string(limits.name);
  const Names = array(Name, limits.names);

  const StringMatch = obj({
    match: MatchTypeSchema,
    /** One or more keys; the condition holds when any key matches. */
    values: array(Text, limits.values),
    /** Default false: Sieve's i;ascii-casemap comparator. */
    caseSensitive: Type.Optional(Type.Boolean()),
  });

  const Condition = Type.Recursive((Self) =>
    Type.Union([
      obj({ kind: Type.Literal('address'), header: AddressHeaderSchema, part: AddressPartSchema, test: StringMatch }),
      obj({ kind: Type.Literal('envelope'), field: EnvelopeField, part: AddressPartSchema, test: StringMatch }),
      obj({ kind: Type.Literal('header'), names: Names, test: StringMatch }),
      obj({ kind: Type.Literal('subject'), test: StringMatch }),
      obj({ kind: Type.Literal('list-id'), test: StringMatch }),
      obj({ kind: Type.Literal('size'), comparison: SizeComparison, bytes: Type.Integer({ minimum: 0 }) }),
      obj({ kind: Type.Literal('body'), test: StringMatch }),
      obj({ kind: Type.Literal('exists'), names: Names }),
      obj({ kind: Type.Literal('auth'), method: AuthMethodSchema, result: AuthResultSchema }),
      obj({ kind: Type.Literal('spam-score'), atLeast: Type.Number() }),
      /**
       * The server's own spam or virus verdict (RFC 5235 spamtest, virustest):
       * its number (spam 0-10, or 0-100 with `percent`; virus 0-5) compared
       * with `value`.
       */
      obj({ kind: Type.Literal('spamtest'), engine: TestEngineSchema, percent: Type.Optional(Type.Boolean()), relation: RelationSchema, value: Type.Integer() }),
      obj({ kind: Type.Literal('always') }),
      obj({ kind: Type.Literal('not'), condition: Self }),
      obj({ kind: Type.Literal('group'), combine: CombineSchema, conditions: array(Self, limits.conditions) }),
    ]),
  );

  const Vacation = obj({
    days: Type.Optional(Type.Integer()),
    subject: Type.Optional(Text),
    from: Type.Optional(Text),
    /** The user's own addresses, so replies go out for mail to any of them. */
    addresses: Type.Optional(array(Text, limits.addresses)),
    message: Text,
    /** ISO dates (YYYY-MM-DD), inclusive. */
    start: Type.Optional(Text),
    end: Type.Optional(Text),
  });

  const Action = Type.Union([
    obj({ kind: Type.Literal('fileinto'), folder: Text, copy: Type.Optional(Type.Boolean()), create: Type.Optional(Type.Boolean()) }),
    obj({ kind: Type.Literal('redirect'), address: Text, copy: Type.Optional(Type.Boolean()) }),
    obj({ kind: Type.Literal('reject'), reason: Text }),
    obj({ kind: Type.Literal('discard') }),
    obj({ kind: Type.Literal('keep') }),
    obj({ kind: Type.Literal('mark-read') }),
    obj({ kind: Type.Literal('flag') }),
    obj({ kind: Type.Literal('keyword'), keyword: Text }),
    obj({ kind: Type.Literal('vacation'), vacation: Vacation }),
    obj({ kind: Type.Literal('stop') }),
  ]);

  const Rule = obj({
    name: Name,
    enabled: Type.Boolean(),
    /** How the top-level conditions combine. */
    combine: CombineSchema,
    conditions: array(Condition, limits.conditions),
    actions: array(Action, limits.actions),
    /**
     * The rule's comments, one line each: what a user wrote beside an
     * imported rule, written back as `#` lines at the top of its block.
     */
    comments: Type.Optional(array(Text, limits.values)),
    /** Admin defaults only: a locked rule cannot be switched off by users. */
    locked: Type.Optional(Type.Boolean()),
    /** Admin defaults only: runs before (default) or after the user's rules. */
    placement: Type.Optional(Placement),
  });

  /** A block of Sieve the model cannot express, kept verbatim by the Sieve importer at its position and emitted unchanged. */
  const RawBlock = obj({
    kind: Type.Literal('raw'),
    name: Type.Optional(Name),
    sieve: string(limits.sieve),
    requires: Names,
    enabled: Type.Boolean(),
  });

  const SpamSettings = obj({
    junkFolder: Text,
    /** SpamAssassin required_score. */
    threshold: Type.Number(),
    /** RFC 8601 authserv-id whose Authentication-Results we trust. */
    trustedAuthservId: Type.Optional(Text),
    /**
     * The built-in step filing mail scored at or above `threshold` into the
     * junk folder. Absent means on, so rule sets stored before it existed
     * get it; only `false` turns it off.
     */
    spamFilter: Type.Optional(Type.Boolean()),
  });

  const WhitelistEntry = obj({
    /** An address or a wildcard pattern such as `*@example.com`. */
    pattern: Text,
    /** "only when authenticated": DKIM or DMARC pass for the sender's domain. */
    authenticated: Type.Boolean(),
  });

  const BlocklistEntry = obj({ pattern: Text, action: BlockActionSchema });

  const RuleItem = Type.Union([RawBlock, Rule]);

  const RuleSet = obj({
    settings: SpamSettings,
    whitelist: array(WhitelistEntry, limits.senders),
    blocklist: array(BlocklistEntry, limits.senders),
    rules: array(RuleItem, limits.rules),
  });

  return { StringMatch, Condition, Vacation, Action, Rule, RawBlock, RuleItem, SpamSettings, WhitelistEntry, BlocklistEntry, RuleSet };
}

export const {
  StringMatch: StringMatchSchema,
  Condition: ConditionSchema,
  Vacation: VacationSchema,
  Action: ActionSchema,
  Rule: RuleSchema,
  RawBlock: RawBlockSchema,
  RuleItem: RuleItemSchema,
  SpamSettings: SpamSettingsSchema,
  WhitelistEntry: WhitelistEntrySchema,
  BlocklistEntry: BlocklistEntrySchema,
  RuleSet: RuleSetSchema,
} = modelSchemas();

export type StringMatch = Static<typeof StringMatchSchema>;
export type Condition = Static<typeof ConditionSchema>;
export type Vacation = Static<typeof VacationSchema>;
export type Action = Static<typeof ActionSchema>;
export type Rule = Static<typeof RuleSchema>;
export type RawBlock = Static<typeof RawBlockSchema>;
export type RuleItem = Static<typeof RuleItemSchema>;
export type SpamSettings = Static<typeof SpamSettingsSchema>;
export type WhitelistEntry = Static<typeof WhitelistEntrySchema>;
export type BlocklistEntry = Static<typeof BlocklistEntrySchema>;
export type RuleSet = Static<typeof RuleSetSchema>;

export type MatchType = StringMatch['match'];
export type AddressHeader = Extract<Condition, { kind: 'address' }>['header'];
export type AddressPart = Extract<Condition, { kind: 'address' }>['part'];
export type AuthMethod = Extract<Condition, { kind: 'auth' }>['method'];
export type AuthResult = Extract<Condition, { kind: 'auth' }>['result'];
export type Combine = Rule['combine'];
export type BlockAction = BlocklistEntry['action'];
export type Relation = Extract<Condition, { kind: 'spamtest' }>['relation'];

export const CONDITION_KINDS = kindsOf<Condition['kind']>(ConditionSchema);
export const ACTION_KINDS = kindsOf<Action['kind']>(ActionSchema);
