// TypeBox schemas of every response body. Fastify serializes each reply by
// its route's schema, which writes only the properties named here: a field a
// service adds for itself (row ids, retry counts, IMAP UIDs) never reaches a
// client. Values whose shape the grammar owns (rule sets, diagnostics,
// import reports) pass through as they are and are typed by grammar/.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import type { ProcmailReport } from '../../grammar/import/procmail-report.js';
import type { ImportReportEntry } from '../../grammar/import/sieve.js';
import type { RuleSet } from '../../grammar/model.js';
import { DEPLOY_ERROR_CODES } from '../deploy/outcome.js';
import { AUDIT_ACTIONS } from '../store/audit-actions.js';
import { PolicyBody } from './schemas.js';

/** A value of a grammar type, serialized as it is. */
const Shared = <T>() => Type.Unsafe<T>({});
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
/** A closed set of words, typed as their union and written as a string. */
const Enum = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
const Str = Type.String();
const Int = Type.Integer();

export const Ok = Type.Object({ ok: Type.Literal(true) });

export const SessionUser = Type.Object({ username: Str, isAdmin: Type.Boolean() });
export type SessionUser = Static<typeof SessionUser>;
export const SessionResponse = Type.Object({ user: SessionUser, csrfToken: Str });
export type SessionResponse = Static<typeof SessionResponse>;

const Certificate = Type.Object({ validTo: Str, daysLeft: Type.Number(), subject: Str, trusted: Type.Boolean() });
/** `checks` only for an admin or a monitoring address. */
export const Readiness = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Optional(
    Type.Array(
      Type.Object({ name: Str, ok: Type.Boolean(), ms: Type.Number(), detail: Str, certificate: Type.Optional(Nullable(Certificate)) }),
    ),
  ),
});

const RuleSetValue = Shared<RuleSet>();
const Diagnostics = Shared<Diagnostic[]>();

/** The DSL form of the rules, as text/plain. */
export const RulesText = Type.String();

export const RulesResponse = Type.Object({
  version: Int,
  ruleSet: RuleSetValue,
  defaults: Type.Object({ rules: Shared<RuleSet['rules']>(), disabled: Type.Array(Str) }),
  updatedAt: Nullable(Str),
  policy: Type.Required(PolicyBody),
  /** The server's SIEVE capabilities, so the editor checks a raw block's extensions as a save will. */
  capabilities: Type.Array(Str),
});
export type RulesResponse = Static<typeof RulesResponse>;

export const HistoryEntry = Type.Object({ version: Int, createdAt: Str, author: Str, summary: Str });
export type HistoryEntry = Static<typeof HistoryEntry>;
export const History = Type.Array(HistoryEntry);

export const LineMapEntry = Type.Object({ startLine: Int, endLine: Int, ruleIndex: Int, name: Str });
export type LineMapEntry = Static<typeof LineMapEntry>;

export const PreviewResponse = Type.Object({
  sieve: Str,
  prefs: Str,
  diagnostics: Diagnostics,
  lineMap: Type.Array(LineMapEntry),
  /** The global scripts of the admin's locked rules that run around `sieve` ('' when there are none). */
  locked: Type.Object({ before: Str, after: Str }),
});
export type PreviewResponse = Static<typeof PreviewResponse>;

export const OverridesResponse = Type.Object({ disabled: Type.Array(Str) });

export const DEPLOY_STATES = ['deployed', 'unverified', 'pending', 'rejected', 'failed', 'never'] as const;

/**
 * `deployed`: live, and the server's compiler accepted it. `unverified`:
 * live, but written without a compiler to check it (the server may still
 * refuse it at delivery). `rejected`: the server's compiler refused the
 * latest version; the one before stays live. `failed`: any other final
 * failure.
 */
export const DeployStatus = Type.Object({
  username: Str,
  state: Enum(DEPLOY_STATES),
  deployedVersion: Nullable(Int),
  pendingVersion: Nullable(Int),
  error: Nullable(Str),
  errorLine: Nullable(Int),
  /** Why `error` happened, in words a client can switch on. */
  errorCode: Nullable(Enum(DEPLOY_ERROR_CODES)),
  /** The name of the user's rule `errorLine` lies in (a rejected script). */
  errorRule: Nullable(Str),
  /** Why the live version was not checked by the server's compiler; null when it was, or nothing is live. */
  unverifiedReason: Nullable(Str),
  updatedAt: Nullable(Str),
});
export type DeployStatus = Static<typeof DeployStatus>;

export const FoldersResponse = Type.Object({ folders: Type.Array(Str) });

export const SieveImportResponse = Type.Object({ ruleSet: RuleSetValue, report: Shared<ImportReportEntry[]>(), diagnostics: Diagnostics });
export const ProcmailImportResponse = Type.Object({ ruleSet: RuleSetValue, report: Shared<ProcmailReport>(), diagnostics: Diagnostics });
export type ImportResponse = Static<typeof SieveImportResponse> | Static<typeof ProcmailImportResponse>;

/** The user's active script on the mail server that sievewright did not write, imported (nothing is saved). */
export const ServerScript = Type.Union([
  Type.Object({ found: Type.Literal(false) }),
  Type.Object({ found: Type.Literal(true), name: Str, ruleSet: RuleSetValue, report: Shared<ImportReportEntry[]>(), diagnostics: Diagnostics }),
]);
export type ServerScript = Static<typeof ServerScript>;

/** What the learning page shows of one learned message: no row ids, IMAP UIDs or retry counts. */
export const LearningEvent = Type.Object({
  folder: Str,
  subject: Nullable(Str),
  sender: Nullable(Str),
  direction: Enum(['spam', 'ham']),
  reason: Str,
  state: Enum(['pending', 'done', 'failed', 'skipped']),
  /** 'learned', 'already-learned' (SpamAssassin knew it), or null until done. */
  result: Nullable(Str),
  error: Nullable(Str),
  createdAt: Str,
  learnedAt: Nullable(Str),
});
export type LearningEvent = Static<typeof LearningEvent>;
export const LearningLog = Type.Array(LearningEvent);

export const WeeklyCount = Type.Object({ week: Str, spam: Int, ham: Int });
export type WeeklyCount = Static<typeof WeeklyCount>;
export const WeeklyCounts = Type.Array(WeeklyCount);

export const DefaultsResponse = Type.Object({ version: Int, ruleSet: RuleSetValue, text: Str });
export type DefaultsResponse = Static<typeof DefaultsResponse>;

/** Where the global scripts of the locked admin rules are, and whether the last write worked. */
export const GlobalScriptsStatus = Type.Object({
  before: Str,
  after: Str,
  written: Type.Boolean(),
  /** True when the server's Sieve compiler accepted both scripts; absent when they were not written. */
  verified: Type.Optional(Type.Boolean()),
  /** Why they were written without that check (no compiler configured, or it could not run). */
  unverifiedReason: Type.Optional(Str),
  error: Type.Optional(Str),
});
export type GlobalScriptsStatus = Static<typeof GlobalScriptsStatus>;

export const SavedDefaults = Type.Composite([DefaultsResponse, Type.Object({ jobId: Str, globalScripts: GlobalScriptsStatus })]);
export type SavedDefaults = Static<typeof SavedDefaults>;

export const Policy = Type.Required(PolicyBody);
export type Policy = Static<typeof Policy>;

export const AdminUser = Type.Object({
  username: Str,
  isAdmin: Type.Boolean(),
  createdAt: Str,
  lastLoginAt: Nullable(Str),
  rulesVersion: Int,
  status: DeployStatus,
});
export type AdminUser = Static<typeof AdminUser>;
/** Users by username, `offset` and `limit` as served, `total` of all. */
export const AdminUsersPage = Type.Object({ total: Int, offset: Int, limit: Int, users: Type.Array(AdminUser) });

export const RedeployStarted = Type.Object({ jobId: Str, globalScripts: GlobalScriptsStatus });

/** One event of a re-deploy job's stream (`progress`, then `end`). */
export const RedeployProgress = Type.Object({ done: Int, failed: Int, total: Int });
export type RedeployProgress = Static<typeof RedeployProgress>;

export const AuditEntry = Type.Object({
  at: Str,
  actor: Str,
  action: Enum(AUDIT_ACTIONS),
  target: Str,
  details: Type.Record(Str, Type.Unknown()),
  alert: Type.Boolean(),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditLog = Type.Array(AuditEntry);

export const LearningHealth = Type.Object({ username: Str, lastRun: Nullable(Str), lastError: Nullable(Str), backlog: Int });
export type LearningHealth = Static<typeof LearningHealth>;
export const LearningHealthList = Type.Array(LearningHealth);
