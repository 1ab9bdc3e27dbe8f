// The one error type services throw for problems a client can act on. The
// HTTP error handler turns it into `{ error: { code, message, details } }`;
// the codes and their details are the contract's (routes/errors.ts).
import type { ErrorCode, ErrorDetails } from '../routes/errors.js';

export type { ErrorCode } from '../routes/errors.js';

/** Details may be left out only where every field of the code's details is optional. */
type DetailsArg<C extends ErrorCode> = Record<never, never> extends ErrorDetails[C] ? [details?: ErrorDetails[C]] : [details: ErrorDetails[C]];

export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly details: ErrorDetails[C];

  constructor(
    readonly statusCode: number,
    readonly code: C,
    message: string,
    ...[details]: DetailsArg<C>
  ) {
    super(message);
    this.name = 'AppError';
    this.details = details ?? ({} as ErrorDetails[C]);
  }
}
