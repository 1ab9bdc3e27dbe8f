// Shapes of the HTTP API as the browser sees them. Wherever the server
// declares a shape (its TypeBox schemas and services), it is imported here
// as a type only, so the two cannot drift and no server code reaches the
// bundle. Model types come from grammar/model.ts, shared by both.
import type {
  DefaultsResponse,
  ErrorResponse,
  GlobalScriptsStatus,
  HistoryEntryResponse,
  PolicyBody,
  PreviewResponse,
  RulesResponse as ServerRulesResponse,
  SessionResponse,
  SessionUser,
} from '../../server/routes/schemas.js';
import type { DeployStatus } from '../../server/deploy/outbox.js';
import type { LearningEvent } from '../../server/learning/service.js';
import type { ServerScript as ServerScriptResponse } from '../../server/services/server-script.js';
import type { JobProgress } from '../../server/services/redeploy-jobs.js';
import type { AuditEntry as ServerAuditEntry } from '../../server/store/audit-repository.js';
import type { learningHealth, weeklyCounts } from '../../server/learning/service.js';
import type { ProcmailReport, RecipeStatus } from '../../grammar/import/procmail-report.js';
import type { ImportReportEntry } from '../../grammar/import/sieve.js';
import type { RuleSet } from '../../grammar/model.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';

export type { DefaultsResponse, DeployStatus, GlobalScriptsStatus, LearningEvent, PreviewResponse, SessionUser };
export type ApiErrorBody = ErrorResponse;
export type Session = SessionResponse;
export type HistoryEntry = HistoryEntryResponse;
export type Policy = PolicyBody;
export type RedeployProgress = JobProgress;
export type DeployState = DeployStatus['state'];
export type LineMapEntry = PreviewResponse['lineMap'][number];

export type RulesResponse = ServerRulesResponse;

/** One line of an import report, whichever importer produced it. */
export interface ImportReportLine {
  line: number;
  endLine?: number;
  status: RecipeStatus | ImportReportEntry['kind'];
  reason?: string;
  ruleName?: string;
}

export interface ImportResponse {
  ruleSet: RuleSet;
  report: ProcmailReport | ImportReportEntry[];
  diagnostics: Diagnostic[];
}

export type WeeklyCount = ReturnType<typeof weeklyCounts>[number];

export interface AdminUser {
  username: string;
  isAdmin: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  rulesVersion: number;
  status: DeployStatus;
}

export type AuditEntry = Omit<ServerAuditEntry, 'id'>;

export type ServerScript = ServerScriptResponse;
/** The server found a script to offer. */
export type FoundServerScript = Extract<ServerScript, { found: true }>;

export type LearningHealth = ReturnType<typeof learningHealth>[number];
