// The logged-in user's own rules: read, save, history, restore, preview,
// switching off overridable admin defaults. Every handler works on
// request.username only: there is no way to name another user here.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../services/context.js';
import { preview, restoreVersion, rulesView, ruleSetFromInput, saveRules, setOverrides } from '../services/rules-service.js';
import { OverridesBody, RulesInput, VersionParams } from './schemas.js';

export async function rulesRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  app.get('/rules', async (request) => rulesView(ctx, request.username));

  app.put<{ Body: RulesInput }>('/rules', { schema: { body: RulesInput } }, async (request) => {
    const ruleSet = ruleSetFromInput(request.body);
    saveRules(ctx, request.username, request.username, ruleSet, { baseVersion: request.body.baseVersion });
    return rulesView(ctx, request.username);
  });

  app.get('/rules/history', async (request) => ctx.rules.history(request.username));

  app.post<{ Params: VersionParams }>('/rules/history/:version/restore', { schema: { params: VersionParams } }, async (request) => {
    restoreVersion(ctx, request.username, request.params.version);
    return rulesView(ctx, request.username);
  });

  app.post<{ Body: RulesInput }>('/rules/preview', { schema: { body: RulesInput } }, async (request) =>
    preview(ctx, request.username, ruleSetFromInput(request.body)),
  );

  app.put<{ Body: OverridesBody }>('/defaults/overrides', { schema: { body: OverridesBody } }, async (request) => ({
    disabled: setOverrides(ctx, request.username, request.body.disabled),
  }));
}
