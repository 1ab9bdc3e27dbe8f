// The one error type services throw for problems a client can act on. The
// HTTP error handler turns it into `{ error: { code, message, details } }`;
// codes are stable strings clients may switch on.
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_rules'
  | 'policy_violation'
  | 'version_conflict'
  | 'not_found'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf'
  | 'bad_credentials'
  | 'rate_limited'
  | 'rules_too_large'
  | 'too_deep'
  | 'mail_server_unavailable'
  | 'not_available'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}
