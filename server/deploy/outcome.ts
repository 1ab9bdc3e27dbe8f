// What a deploy target reports: success, a foreign active script it will not
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
  | { status: 'deployed'; scriptName: string }
  /** Another script (not written by sievewright) is active, and neither config nor the user's consent lets it be replaced. */
  | { status: 'foreign-active'; activeScript: string };

export interface DeployTarget {
  /** Short label stored with each outbox row, e.g. `managesieve:mail.example.net:4190`. */
  readonly label: string;
  deploy(job: DeployJob): Promise<DeployOutcome>;
}

export type DeployErrorCode =
  /** The server rejected the script (Sieve error; `line` points at it). */
  | 'rejected'
  /** Another script is active, and neither config nor the user's consent lets it be replaced. */
  | 'foreign-active'
  | 'quota'
  | 'auth'
  | 'unreachable'
  | 'invalid-user'
  | 'io'
  | 'server';

export class DeployError extends Error {
  constructor(
    message: string,
    readonly code: DeployErrorCode,
    /** True when the same deploy can succeed later without anyone changing anything. */
    readonly transient: boolean,
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeployError';
  }
}
