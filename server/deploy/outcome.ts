// What a deploy target reports: success (verified by the server's compiler,
// or written without one to ask), a foreign active script it will not
// replace, or a DeployError saying whether trying again can help.

export interface DeployJob {
  username: string;
  version: number;
  sieve: string;
  prefs: string;
  /** The foreign script (by name) the user agreed sievewright may deactivate; read from the user's record when the job is claimed. */
  replaceConsent?: string;
}

export type DeployOutcome =
  /** Active, and the server's own compiler accepted it. */
  | { status: 'deployed'; scriptName: string }
  /** Active, but no compiler could check it (`reason` says why): the server may still refuse it at delivery. */
  | { status: 'unverified'; scriptName: string; reason: string }
  /** Another script (not written by sievewright) is active, and neither config nor the user's consent lets it be replaced. */
  | { status: 'foreign-active'; activeScript: string };

export interface DeployTarget {
  /** Short label stored with each outbox row, e.g. `managesieve:mail.example.net:4190`. */
  readonly label: string;
  deploy(job: DeployJob): Promise<DeployOutcome>;
}

/**
 * Why a deploy failed. `rejected`: the server's compiler refused the script
 * (Sieve error; `line` points at it), the active script is unchanged.
 * `foreign_active`: another script is active, and neither config nor the
 * user's consent lets it be replaced. Stored with the outbox row.
 */
export const DEPLOY_ERROR_CODES = ['rejected', 'foreign_active', 'quota', 'auth', 'unreachable', 'invalid_user', 'io', 'server'] as const;

export type DeployErrorCode = (typeof DEPLOY_ERROR_CODES)[number];

export class DeployError extends Error {
  /** For a rejected script: the name of the user's rule that `line` lies in. */
  readonly rule: string | null;

  constructor(
    message: string,
    readonly code: DeployErrorCode,
    /** True when the same deploy can succeed later without anyone changing anything. */
    readonly transient: boolean,
    readonly line?: number,
    options?: { cause?: unknown; rule?: string },
  ) {
    super(message, options);
    this.name = 'DeployError';
    this.rule = options?.rule ?? null;
  }
}
