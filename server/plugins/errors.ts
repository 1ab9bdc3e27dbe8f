// One error format for every failure: `{ error: { code, message, details } }`.
// Client errors keep their message; server errors are logged and hidden.
import type { FastifyError, FastifyInstance } from 'fastify';
import { MailServerUnavailableError } from '../mail/imap-login.js';
import type { ErrorBody, ErrorCode, ErrorDetails } from '../routes/errors.js';
import { describeRuleSetIssue } from '../routes/rule-set-issues.js';
import { AppError } from '../services/errors.js';
import { VersionConflictError } from '../store/rules-repository.js';

function body<C extends ErrorCode>(code: C, message: string, details: ErrorDetails[C]): ErrorBody {
  return { error: { code, message, details } } as ErrorBody;
}

const FASTIFY_CODES: Record<string, 'csrf'> = {
  FST_CSRF_MISSING_SECRET: 'csrf',
  FST_CSRF_INVALID_TOKEN: 'csrf',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      return reply.code(err.statusCode).send(body(err.code, err.message, err.details));
    }
    if (err instanceof VersionConflictError) {
      return reply.code(409).send(body('version_conflict', err.message, { currentVersion: err.current, baseVersion: err.base }));
    }
    if (err instanceof MailServerUnavailableError) {
      request.log.warn({ err }, 'mail server unavailable');
      return reply.code(503).send(body('mail_server_unavailable', 'The mail server cannot be reached right now; try again shortly.', {}));
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const found = fe.validation.map((v) => ({ path: v.instancePath || '/', message: v.message ?? 'invalid' }));
      // A rule set is described in the user's words (which rule, which field), that issue first; other requests by their path.
      const sent = fe.validationContext === 'body' && isRecord(request.body) ? request.body.ruleSet : undefined;
      const worded = describeRuleSetIssue(sent);
      if (worded) return reply.code(400).send(body('invalid_request', worded.message, { issues: [worded, ...found] }));
      return reply.code(400).send(body('invalid_request', `invalid ${fe.validationContext ?? 'request'}: ${found[0]?.path} ${found[0]?.message}`, { issues: found }));
    }
    const status = fe.statusCode ?? 500;
    if (status === 429) {
      return reply.code(429).send(body('rate_limited', fe.message, {}));
    }
    if (status < 500) {
      const code = FASTIFY_CODES[fe.code] ?? (status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'invalid_request');
      const message = code === 'csrf' ? 'missing or invalid CSRF token (send the x-csrf-token header from GET /api/session)' : fe.message;
      return reply.code(status).send(body(code, message, {}));
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send(body('internal', 'Internal server error', {}));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(body('not_found', `no route ${request.method} ${request.url.split('?')[0]}`, {}));
  });
}
