// Shapes of the HTTP API as the browser sees them (the contract in the
// server's routes). Model types come from grammar/model.ts, the same module
// the server uses.
import type { Rule, RuleSet } from '../../grammar/model.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export interface SessionUser {
  username: string;
  isAdmin: boolean;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

export interface RulesResponse {
  version: number;
  ruleSet: RuleSet;
  text: string;
  defaults: { rules: Rule[]; disabled: string[] };
  updatedAt: string | null;
  /** Present when the server shares the forwarding policy with users. */
  policy?: Pick<Policy, 'allowedRedirectDomains'>;
}

export interface LineMapEntry {
  startLine: number;
  endLine: number;
  ruleIndex: number;
  name: string;
}

export interface PreviewResponse {
  sieve: string;
  prefs: string;
  diagnostics: Diagnostic[];
  lineMap: LineMapEntry[];
}

export interface HistoryEntry {
  version: number;
  createdAt: string;
  author: string;
  summary: string;
}

export type DeployState = 'deployed' | 'pending' | 'failed' | 'never';

export interface DeployStatus {
  username: string;
  state: DeployState;
  deployedVersion: number | null;
  pendingVersion: number | null;
  error: string | null;
  errorLine: number | null;
  updatedAt: string | null;
}

export type ProcmailStatus = 'exact' | 'changed' | 'not-converted' | 'dropped-on-purpose';

/** One line of an import report, whichever importer produced it. */
export interface ImportReportLine {
  line: number;
  endLine?: number;
  status: ProcmailStatus | 'rule' | 'raw';
  reason?: string;
  ruleName?: string;
}

export interface ImportResponse {
  ruleSet: RuleSet;
  report: unknown;
  diagnostics: Diagnostic[];
}

export interface LearningEvent {
  at: string;
  direction: 'spam' | 'ham';
  folder?: string;
  subject?: string;
  from?: string;
  [key: string]: unknown;
}

export interface WeeklyCount {
  week: string;
  spam: number;
  ham: number;
}

export interface DefaultsResponse {
  version: number;
  ruleSet: RuleSet;
  text: string;
}

export interface Policy {
  allowedRedirectDomains: string[];
  allowedActions: string[];
  maxRules: number;
}

export interface AdminUser {
  username: string;
  isAdmin?: boolean;
  status?: DeployStatus;
  [key: string]: unknown;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  target: string;
  details: unknown;
  alert: boolean;
}

export interface RedeployProgress {
  done: number;
  failed: number;
  total: number;
}
