// The logged-in user's own rules: read, save, history, restore, preview,
// switching off overridable admin defaults. Every handler works on
// request.username only: there is no way to name another user here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AttemptLimiter } from '../services/attempt-limiter.js';
import type { AppContext } from '../services/context.js';
import { AppError } from '../services/errors.js';
import { preview, restoreVersion, rulesText, ruleSetFromInput, saveRules, setOverrides } from '../services/rules-service.js';
import { RulesViewCache } from '../services/rules-view.js';
import { routes } from './contract.js';
import { route } from './route.js';

const HISTORY_PAGE = 50;

export async function rulesRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const views = new RulesViewCache();
  const sendView = (reply: FastifyReply, username: string) => reply.type('application/json; charset=utf-8').send(views.body(ctx, username));
  // Every attempt counts, refused ones too, and before the body is even read:
  // parsing, checking and compiling is the cost being bounded.
  const saves = new AttemptLimiter(ctx.config.rules.savesPerMinute, 60_000);
  const limitSaves = async (request: FastifyRequest, reply: FastifyReply) => {
    const state = saves.acquire(request.username);
    if (!state.allowed) {
      reply.header('retry-after', String(state.retryAfter));
      throw new AppError(429, 'rate_limited', `too many saves; try again in ${state.retryAfter} s`, { retryAfter: state.retryAfter });
    }
  };

  route(app, routes.rules, async (request, reply) => sendView(reply, request.username));

  // The DSL form, for scripts and `curl`; the web UI prints it from the model itself.
  route(app, routes.rulesText, async (request, reply) => reply.type('text/plain; charset=utf-8').code(200).send(rulesText(ctx, request.username)));

  route(
    app,
    routes.saveRules,
    async (request, reply) => {
      const { ruleSet, semantic } = ruleSetFromInput(ctx, request.body);
      saveRules(ctx, request.username, request.username, ruleSet, { baseVersion: request.body.baseVersion, semantic });
      return sendView(reply, request.username);
    },
    { onRequest: limitSaves },
  );

  route(app, routes.history, async (request) =>
    ctx.rules.history(request.username, { limit: request.query.limit ?? HISTORY_PAGE, ...(request.query.before ? { before: request.query.before } : {}) }),
  );

  route(
    app,
    routes.restore,
    async (request, reply) => {
      restoreVersion(ctx, request.username, request.params.version);
      return sendView(reply, request.username);
    },
    { onRequest: limitSaves },
  );

  route(app, routes.preview, async (request) =>
    preview(ctx, request.username, ruleSetFromInput(ctx, request.body)),
  );

  route(app, routes.overrides, async (request) => ({
    disabled: setOverrides(ctx, request.username, request.body.disabled),
  }));
}
