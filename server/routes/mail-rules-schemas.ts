// Requests and replies of "try rules on real mail": the dry run over recent
// messages and "apply to existing mail" with its progress and undo. Kept
// apart from schemas.ts/responses.ts, which hold the rules and account routes.
import { Type, type Static } from '@sinclair/typebox';
import { RulesInput } from './schemas.js';

const obj = <T extends Parameters<typeof Type.Object>[0]>(props: T) => Type.Object(props, { additionalProperties: false });
const Str = Type.String();
const Int = Type.Integer();
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** An IMAP mailbox name as the folder list gives it: no control characters. */
export const FolderName = Type.String({ minLength: 1, maxLength: 1000, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });

export const TryBody = obj({
  rules: RulesInput,
  folders: Type.Array(FolderName, { minItems: 1, maxItems: 50 }),
  /** How many of the newest messages; 200 when absent. */
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })),
});
export type TryBody = Static<typeof TryBody>;

const DecidedBy = Type.Union([Type.Object({ ruleIndex: Int, ruleName: Str }), Type.Object({ source: Str, ruleName: Type.Optional(Str) }), Type.Null()]);

export const TriedMessage = Type.Object({
  folder: Str,
  ref: Str,
  fromAddress: Str,
  fromName: Str,
  subject: Str,
  date: Nullable(Str),
  listId: Nullable(Str),
  verdict: Type.Object({
    folders: Type.Array(Str),
    kept: Type.Boolean(),
    effects: Type.Array(Str),
    rules: Type.Array(Int),
    decidedBy: DecidedBy,
    undecided: Type.Union([Type.Object({ ruleIndex: Int }), Type.Null()]),
  }),
});
export type TriedMessage = Static<typeof TriedMessage>;

export const RuleReport = Type.Object({
  index: Int,
  name: Str,
  matched: Int,
  moved: Int,
  shadowed: Int,
  unreachableAfter: Type.Union([Int, Type.Null()]),
});
export type RuleReport = Static<typeof RuleReport>;

export const TryResponse = Type.Object({ messages: Type.Array(TriedMessage), rules: Type.Array(RuleReport) });
export type TryResponse = Static<typeof TryResponse>;

export const ApplyBody = obj({
  rules: RulesInput,
  /** Which of the draft's rules to run, by index. */
  ruleIndexes: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, maxItems: 10_000 }),
  folder: FolderName,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })),
});
export type ApplyBody = Static<typeof ApplyBody>;

/** The confirmation: the number of changes the dry run showed, which must still hold. */
export const ApplyStartBody = Type.Composite([ApplyBody, obj({ expected: Type.Integer({ minimum: 0 }) })], { additionalProperties: false });
export type ApplyStartBody = Static<typeof ApplyStartBody>;

const Operation = Type.Union([Type.Literal('move'), Type.Literal('copy'), Type.Literal('flag')]);

export const ApplyPlan = Type.Object({
  operations: Type.Array(Type.Object({ ref: Str, subject: Str, sender: Str, op: Operation, target: Str })),
});
export type ApplyPlan = Static<typeof ApplyPlan>;

export const ApplyRun = Type.Object({
  id: Str,
  folder: Str,
  rules: Type.Array(Str),
  state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed'), Type.Literal('undoing'), Type.Literal('undone')]),
  error: Nullable(Str),
  createdAt: Str,
  total: Int,
  done: Int,
  gone: Int,
  undone: Int,
});
export type ApplyRun = Static<typeof ApplyRun>;

export const ApplyRuns = Type.Object({ runs: Type.Array(ApplyRun) });

/** One run with its undo list: what was moved, copied or flagged where. */
export const ApplyRunDetail = Type.Composite([
  ApplyRun,
  Type.Object({
    operations: Type.Array(
      Type.Object({
        subject: Str,
        sender: Str,
        op: Operation,
        target: Str,
        state: Type.Union([Type.Literal('planned'), Type.Literal('started'), Type.Literal('done'), Type.Literal('gone'), Type.Literal('undone')]),
      }),
    ),
  }),
]);
export type ApplyRunDetail = Static<typeof ApplyRunDetail>;

export const RunParams = obj({ runId: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });
