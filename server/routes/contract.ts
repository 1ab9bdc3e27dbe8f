// The HTTP contract: every route with its method, full path, request schemas
// and a response schema per status code. The server registers its routes
// from this table (route.ts), so handlers are typed and replies serialized
// by it; the web client is typed from it (`import type` only, so nothing of
// the server reaches the bundle).
import type { Static, TSchema } from '@sinclair/typebox';
import { ErrorBodySchema } from './errors.js';
import * as M from './mail-rules-schemas.js';
import * as R from './responses.js';
import * as Q from './schemas.js';

export type Method = 'GET' | 'POST' | 'PUT';

export interface RouteSpec {
  readonly method: Method;
  /** As the browser asks for it, `:name` for a path parameter. */
  readonly path: string;
  readonly body?: TSchema;
  readonly querystring?: TSchema;
  readonly params?: TSchema;
  readonly response: Readonly<Record<number, TSchema>>;
  /** A server-sent event stream: the data of each event (the route has no JSON reply). */
  readonly events?: TSchema;
}

type Failures<S extends readonly number[]> = { readonly [K in S[number]]: typeof ErrorBodySchema };

/** The error body for each status a route can fail with. */
function fails<const S extends readonly number[]>(...statuses: S): Failures<S> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBodySchema])) as Failures<S>;
}

// What every route behind the session can answer: no session, a server fault.
const USER = [401, 500] as const;
// Writes also: a body the schema refuses (or nested too deep), a missing CSRF token.
const WRITE = [...USER, 400, 403] as const;
// Admin routes: the role check (admin writes fail as WRITE does).
const ADMIN = [...USER, 403] as const;

export const routes = {
  healthz: { method: 'GET', path: '/healthz', response: { 200: R.Ok } },
  readyz: { method: 'GET', path: '/readyz', response: { 200: R.Readiness, 503: R.Readiness } },

  login: { method: 'POST', path: '/api/login', body: Q.LoginBody, response: { 200: R.SessionResponse, ...fails(400, 401, 429, 500, 503) } },
  session: { method: 'GET', path: '/api/session', response: { 200: R.SessionResponse, ...fails(...USER) } },
  logout: { method: 'POST', path: '/api/logout', response: { 200: R.Ok, ...fails(...WRITE) } },

  rules: { method: 'GET', path: '/api/rules', response: { 200: R.RulesResponse, ...fails(...USER) } },
  rulesText: { method: 'GET', path: '/api/rules/text', response: { 200: R.RulesText, ...fails(...USER) } },
  saveRules: {
    method: 'PUT',
    path: '/api/rules',
    body: Q.RulesInput,
    response: { 200: R.RulesResponse, ...fails(...WRITE, 409, 413, 422, 429) },
  },
  history: { method: 'GET', path: '/api/rules/history', querystring: Q.HistoryQuery, response: { 200: R.History, ...fails(...USER, 400) } },
  restore: {
    method: 'POST',
    path: '/api/rules/history/:version/restore',
    params: Q.VersionParams,
    response: { 200: R.RulesResponse, ...fails(...WRITE, 404, 413, 422, 429) },
  },
  preview: { method: 'POST', path: '/api/rules/preview', body: Q.RulesInput, response: { 200: R.PreviewResponse, ...fails(...WRITE, 422) } },
  overrides: {
    method: 'PUT',
    path: '/api/defaults/overrides',
    body: Q.OverridesBody,
    response: { 200: R.OverridesResponse, ...fails(...WRITE, 422) },
  },

  deployStatus: { method: 'GET', path: '/api/deploy/status', response: { 200: R.DeployStatus, ...fails(...USER) } },
  deploy: { method: 'POST', path: '/api/deploy', response: { 202: R.DeployStatus, ...fails(...WRITE, 422) } },

  folders: { method: 'GET', path: '/api/folders', response: { 200: R.FoldersResponse, ...fails(...USER, 503) } },
  importSieve: { method: 'POST', path: '/api/import/sieve', body: Q.ImportSieveBody, response: { 200: R.SieveImportResponse, ...fails(...WRITE) } },
  importProcmail: {
    method: 'POST',
    path: '/api/import/procmail',
    body: Q.ImportProcmailBody,
    response: { 200: R.ProcmailImportResponse, ...fails(...WRITE) },
  },
  serverScript: { method: 'GET', path: '/api/import/server-script', response: { 200: R.ServerScript, ...fails(...USER, 503) } },
  replaceServerScript: {
    method: 'POST',
    path: '/api/import/server-script/replace',
    body: Q.ReplaceScriptBody,
    response: { 202: R.DeployStatus, ...fails(...WRITE, 422) },
  },
  learningLog: { method: 'GET', path: '/api/learning/log', querystring: Q.LimitQuery, response: { 200: R.LearningLog, ...fails(...USER, 400) } },
  learningWeekly: { method: 'GET', path: '/api/learning/weekly', response: { 200: R.WeeklyCounts, ...fails(...USER) } },
  tryRules: { method: 'POST', path: '/api/mail/try', body: M.TryBody, response: { 200: M.TryResponse, ...fails(...WRITE, 422, 429, 503) } },
  applyPlan: { method: 'POST', path: '/api/mail/apply/plan', body: M.ApplyBody, response: { 200: M.ApplyPlan, ...fails(...WRITE, 422, 429, 503) } },
  applyStart: { method: 'POST', path: '/api/mail/apply', body: M.ApplyStartBody, response: { 202: M.ApplyRun, ...fails(...WRITE, 409, 422, 429, 503) } },
  applyRuns: { method: 'GET', path: '/api/mail/apply', response: { 200: M.ApplyRuns, ...fails(...USER) } },
  applyRun: { method: 'GET', path: '/api/mail/apply/:runId', params: M.RunParams, response: { 200: M.ApplyRunDetail, ...fails(...USER, 400, 404) } },
  applyUndo: {
    method: 'POST',
    path: '/api/mail/apply/:runId/undo',
    params: M.RunParams,
    response: { 202: M.ApplyRun, ...fails(...WRITE, 404, 409) },
  },

  defaults: { method: 'GET', path: '/api/admin/defaults', response: { 200: R.DefaultsResponse, ...fails(...ADMIN) } },
  saveDefaults: {
    method: 'PUT',
    path: '/api/admin/defaults',
    body: Q.DefaultsBody,
    response: { 200: R.SavedDefaults, ...fails(...WRITE, 422) },
  },
  policy: { method: 'GET', path: '/api/admin/policy', response: { 200: R.Policy, ...fails(...ADMIN) } },
  savePolicy: { method: 'PUT', path: '/api/admin/policy', body: Q.PolicyBody, response: { 200: R.Policy, ...fails(...WRITE) } },
  users: { method: 'GET', path: '/api/admin/users', querystring: Q.UsersPageQuery, response: { 200: R.AdminUsersPage, ...fails(...ADMIN, 400) } },
  redeploy: { method: 'POST', path: '/api/admin/redeploy', response: { 202: R.RedeployStarted, ...fails(...WRITE) } },
  redeployEvents: {
    method: 'GET',
    path: '/api/admin/redeploy/:jobId/events',
    params: Q.JobParams,
    events: R.RedeployProgress,
    response: fails(...ADMIN, 400, 404),
  },
  audit: { method: 'GET', path: '/api/admin/audit', querystring: Q.LimitQuery, response: { 200: R.AuditLog, ...fails(...ADMIN, 400) } },
  learningHealth: { method: 'GET', path: '/api/admin/learning', response: { 200: R.LearningHealthList, ...fails(...ADMIN) } },
} as const satisfies Record<string, RouteSpec>;

export type Routes = typeof routes;
export type Route = Routes[keyof Routes];
export type PathOf<M extends Method> = Extract<Route, { method: M }>['path'];
export type RouteAt<M extends Method, P extends string> = Extract<Route, { method: M; path: P }>;

type SuccessStatus = 200 | 202;
/** The body of a route's success reply. */
export type Success<S extends RouteSpec> = Static<S['response'][Extract<keyof S['response'], SuccessStatus>]>;
/** The data of each event of an event-stream route. */
export type EventOf<S extends RouteSpec> = S['events'] extends TSchema ? Static<S['events']> : never;

/** What a caller supplies: the body, query and path parameters the route declares, and nothing else. */
export type Input<S extends RouteSpec> = (S extends { body: TSchema } ? { body: Static<S['body']> } : unknown) &
  (S extends { querystring: TSchema } ? { query: Static<S['querystring']> } : unknown) &
  (S extends { params: TSchema } ? { params: Static<S['params']> } : unknown);

export type { ErrorBody, ErrorCode, ErrorDetails, Issue } from './errors.js';
export type {
  AdminUser,
  AuditEntry,
  DefaultsResponse,
  DeployStatus,
  GlobalScriptsStatus,
  HistoryEntry,
  ImportResponse,
  LearningEvent,
  LearningHealth,
  LineMapEntry,
  Policy,
  PreviewResponse,
  RedeployProgress,
  RulesResponse,
  SavedDefaults,
  ServerScript,
  SessionResponse,
  SessionUser,
  WeeklyCount,
} from './responses.js';
export type { ApplyPlan, ApplyRun, ApplyRunDetail, RuleReport, TriedMessage, TryResponse } from './mail-rules-schemas.js';
export type { DeployErrorCode } from '../deploy/outcome.js';
export type { AuditAction } from '../store/audit-actions.js';
