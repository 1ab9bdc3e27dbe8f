// The HTTP API's error codes, part of the contract: one closed set in
// snake_case, each with the shape of its `details`, so a throw site cannot
// invent a code or forget a detail and a client can switch on `code`
// exhaustively.
import { Type } from '@sinclair/typebox';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import type { PolicyProblem } from '../../grammar/policy.js';

/** One field the request schema (or a check shaped like it) refused. */
export interface Issue {
  path: string;
  message: string;
}

export interface ErrorDetails {
  invalid_request: { issues?: Issue[]; unknown?: string[] };
  /** `script`, `line` and `rule`: where the server's Sieve compiler refused a locked rule. */
  invalid_rules: { diagnostics?: Diagnostic[]; script?: 'before' | 'after'; line?: number; rule?: string };
  policy_violation: { violations?: PolicyProblem[]; refused?: string[] };
  version_conflict: { currentVersion: number; baseVersion: number };
  not_found: Record<string, never>;
  unauthenticated: Record<string, never>;
  forbidden: Record<string, never>;
  csrf: Record<string, never>;
  bad_credentials: Record<string, never>;
  /** Seconds; absent when the per-address limit of the rate-limit plugin answered. */
  rate_limited: { retryAfter?: number };
  rules_too_large: { bytes: number; maxBytes: number };
  too_deep: { path: string; maxDepth: number };
  mail_server_unavailable: Record<string, never>;
  /**
   * Applying rules to existing mail: a run is still going (`runId`), or the
   * changes are no longer what the confirmed dry run counted (`expected`, `actual`).
   */
  apply_conflict: { runId?: string; expected?: number; actual?: number };
  internal: Record<string, never>;
}

export type ErrorCode = keyof ErrorDetails;

const EVERY_CODE: { [C in ErrorCode]: null } = {
  invalid_request: null,
  invalid_rules: null,
  policy_violation: null,
  version_conflict: null,
  not_found: null,
  unauthenticated: null,
  forbidden: null,
  csrf: null,
  bad_credentials: null,
  rate_limited: null,
  rules_too_large: null,
  too_deep: null,
  mail_server_unavailable: null,
  apply_conflict: null,
  internal: null,
};
export const ERROR_CODES = Object.keys(EVERY_CODE) as ErrorCode[];

export type ErrorBody = {
  [C in ErrorCode]: { error: { code: C; message: string; details: ErrorDetails[C] } };
}[ErrorCode];

/**
 * Serialized as one loose shape: a body that misses a detail still goes
 * out whole rather than turning into a 500; the compiler checks the details
 * at the throw sites instead (AppError).
 */
export const ErrorBodySchema = Type.Unsafe<ErrorBody>(
  Type.Object({
    error: Type.Object({
      code: Type.String({ enum: ERROR_CODES }),
      message: Type.String(),
      details: Type.Object({}, { additionalProperties: true }),
    }),
  }),
);
