// The logged-in user's own rules: read, save, history, restore, preview,
// switching off overridable admin defaults. Every handler works on
// request.username only: there is no way to name another user here.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../services/context.js';
import { preview, restoreVersion, rulesText, ruleSetFromInput, saveRules, setOverrides } from '../services/rules-service.js';
import { RulesViewCache } from '../services/rules-view.js';
import { OverridesBody, RulesInput, VersionParams } from './schemas.js';

export async function rulesRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const views = new RulesViewCache();
  const sendView = (reply: FastifyReply, username: string) => reply.type('application/json; charset=utf-8').send(views.body(ctx, username));

  app.get('/rules', async (request, reply) => sendView(reply, request.username));

  // The DSL form, for scripts and `curl`; the web UI prints it from the model itself.
  app.get('/rules/text', async (request, reply) => reply.type('text/plain; charset=utf-8').send(rulesText(ctx, request.username)));

  app.put<{ Body: RulesInput }>('/rules', { schema: { body: RulesInput } }, async (request, reply) => {
    const ruleSet = ruleSetFromInput(request.body);
    saveRules(ctx, request.username, request.username, ruleSet, { baseVersion: request.body.baseVersion });
    return sendView(reply, request.username);
  });

  app.get('/rules/history', async (request) => ctx.rules.history(request.username));

  app.post<{ Params: VersionParams }>('/rules/history/:version/restore', { schema: { params: VersionParams } }, async (request, reply) => {
    restoreVersion(ctx, request.username, request.params.version);
    return sendView(reply, request.username);
  });

  app.post<{ Body: RulesInput }>('/rules/preview', { schema: { body: RulesInput } }, async (request) =>
    preview(ctx, request.username, ruleSetFromInput(request.body)),
  );

  app.put<{ Body: OverridesBody }>('/defaults/overrides', { schema: { body: OverridesBody } }, async (request) => ({
    disabled: setOverrides(ctx, request.username, request.body.disabled),
  }));
}
