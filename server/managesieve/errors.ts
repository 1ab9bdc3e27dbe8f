// Every failure of the ManageSieve client is a ManageSieveError, so callers
// can decide on one field: `kind` says whether the server answered (and what),
// or the connection itself failed. Server answers keep the response code
// (QUOTA/MAXSIZE, NONEXISTENT, TRYLATER, ...) and the server's own text; a
// script error also keeps the first `line N:` so it can be mapped to a rule.

import type { ResponseCode } from './response-codes.js';

export type ManageSieveErrorKind =
  /** The server answered NO or BYE. */
  | 'response'
  /** No answer within the operation's time limit. */
  | 'timeout'
  /** The connection closed or failed before the answer was complete. */
  | 'closed'
  /** The server sent something RFC 5804 does not allow. */
  | 'protocol'
  /** TLS could not be set up (certificate rejected, no STARTTLS offered, ...). */
  | 'tls';

export interface ManageSieveErrorInit {
  kind: ManageSieveErrorKind;
  serverText?: string;
  responseCode?: ResponseCode;
  responseCodeArgs?: readonly string[];
  status?: 'NO' | 'BYE';
  command?: string;
  cause?: unknown;
}

export class ManageSieveError extends Error {
  readonly kind: ManageSieveErrorKind;
  /** The response code, e.g. `QUOTA/MAXSIZE`, `NONEXISTENT`. */
  readonly responseCode?: ResponseCode;
  readonly responseCodeArgs: readonly string[];
  /** The server's human-readable text ('' when it sent none). */
  readonly serverText: string;
  /** First `line N:` in the server's text (script errors). */
  readonly line?: number;
  readonly status?: 'NO' | 'BYE';
  /** The command that failed (verb only; never the arguments, which may hold a password). */
  readonly command?: string;

  constructor(message: string, init: ManageSieveErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ManageSieveError';
    this.kind = init.kind;
    this.responseCode = init.responseCode;
    this.responseCodeArgs = init.responseCodeArgs ?? [];
    this.serverText = init.serverText ?? '';
    this.status = init.status;
    this.command = init.command;
    const line = scriptErrorLine(this.serverText);
    if (line !== undefined) this.line = line;
  }

  /** Worth retrying later: the server was unreachable or asked us to come back. */
  get transient(): boolean {
    if (this.kind === 'timeout' || this.kind === 'closed') return true;
    return this.responseCode === 'TRYLATER' || this.status === 'BYE';
  }
}

/** Pigeonhole reports `line 3: error: ...`, optionally prefixed by the script name (`name: line 3: ...`). */
export function scriptErrorLine(text: string): number | undefined {
  return scriptErrorLines(text)[0];
}

/** Every `line N:` in the server's text, in its order (it lists all validation errors). */
export function scriptErrorLines(text: string): number[] {
  return [...text.matchAll(/(?:^|[\s:])line (\d+):/g)].map((m) => Number(m[1]));
}
