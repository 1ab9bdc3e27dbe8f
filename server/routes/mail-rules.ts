// Rules against the user's real mail: the dry run of a draft over recent
// messages, and "apply to existing mail" with its progress and undo. Every
// handler reads and changes the mail of request.username only (through the
// master user acting for them), and finds runs by id and username together.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApplyRunner, planApply } from '../services/apply-mail.js';
import { AttemptLimiter } from '../services/attempt-limiter.js';
import type { AppContext } from '../services/context.js';
import { AppError } from '../services/errors.js';
import { ruleSetFromInput } from '../services/rules-service.js';
import { tryRules } from '../services/try-rules.js';
import { routes } from './contract.js';
import { route } from './route.js';

/** Reads of up to 2,000 messages per user per minute: each try, plan or start reads the mail again. */
const READS_PER_MINUTE = 30;

export async function mailRulesRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const reads = new AttemptLimiter(READS_PER_MINUTE, 60_000);
  const limitReads = async (request: FastifyRequest, reply: FastifyReply) => {
    const state = reads.acquire(request.username);
    if (!state.allowed) {
      reply.header('retry-after', String(state.retryAfter));
      throw new AppError(429, 'rate_limited', `too many reads of your mail; try again in ${state.retryAfter} s`, { retryAfter: state.retryAfter });
    }
  };
  const runner = new ApplyRunner(ctx);
  // Runs a stop interrupted go on from their journal.
  runner.resumeAll();
  app.addHook('onClose', () => runner.idle());

  route(
    app,
    routes.tryRules,
    async (request) => tryRules(ctx, request.username, ruleSetFromInput(ctx, request.body.rules), request.body.folders, request.body.limit),
    { onRequest: limitReads },
  );

  route(app, routes.applyPlan, async (request) => {
    const { rules, ruleIndexes, folder, limit } = request.body;
    const operations = await planApply(ctx, request.username, ruleSetFromInput(ctx, rules), { folder, rules: ruleIndexes, ...(limit ? { limit } : {}) });
    return { operations };
  }, { onRequest: limitReads });

  route(app, routes.applyStart, async (request, reply) => {
    const { rules, ruleIndexes, folder, limit, expected } = request.body;
    const run = await runner.start(request.username, ruleSetFromInput(ctx, rules), { folder, rules: ruleIndexes, ...(limit ? { limit } : {}) }, expected);
    reply.code(202);
    return run;
  }, { onRequest: limitReads });

  route(app, routes.applyRuns, async (request) => ({ runs: runner.repo.list(request.username) }));

  route(app, routes.applyRun, async (request) => {
    const run = runner.repo.get(request.username, request.params.runId);
    if (!run) throw new AppError(404, 'not_found', 'there is no such run');
    return { ...run, operations: runner.repo.items(run.id, ['planned', 'started', 'done', 'gone', 'undone']) };
  });

  route(app, routes.applyUndo, async (request, reply) => {
    reply.code(202);
    return runner.undo(request.username, request.params.runId);
  });
}
