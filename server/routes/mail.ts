// Per-user routes that look at the mail side: folders, imports (nothing is
// saved until the user PUTs /api/rules), the consent to replace a foreign
// active script, the learning log. The importers are
// loaded on first use: most requests never need their parsers in memory.
import type { FastifyInstance } from 'fastify';
import { learningLog, weeklyCounts } from '../learning/service.js';
import type { AppContext } from '../services/context.js';
import { compileOptions } from '../services/deploy-source.js';
import { listFolders } from '../services/folders.js';
import { consentToReplace, serverScript } from '../services/server-script.js';
import { routes } from './contract.js';
import { route } from './route.js';

export async function mailRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  route(app, routes.folders, async (request) => ({ folders: await listFolders(ctx, request.username) }));

  route(app, routes.importSieve, async (request) => {
    const { importSieve } = await import('../../grammar/import/sieve.js');
    return importSieve(request.body.text);
  });

  route(app, routes.importProcmail, async (request) => {
    const { capabilities } = compileOptions(ctx.config);
    const { convertProcmail } = await import('../../grammar/import/procmail.js');
    return convertProcmail(request.body.text, {
      ...(request.body.folderMap ? { folderMap: request.body.folderMap } : {}),
      ...(capabilities ? { capabilities } : {}),
    });
  });

  route(app, routes.serverScript, async (request) => serverScript(ctx, request.username));

  route(app, routes.replaceServerScript, async (request, reply) => {
    reply.code(202);
    return consentToReplace(ctx, request.username, request.body.name);
  });

  route(app, routes.learningLog, async (request) =>
    learningLog(ctx.db, request.username, request.query.limit === undefined ? {} : { limit: request.query.limit }),
  );

  route(app, routes.learningWeekly, async (request) => weeklyCounts(ctx.db, request.username));
}
