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
import { ImportProcmailBody, ImportSieveBody, LimitQuery, ReplaceScriptBody } from './schemas.js';

export async function mailRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  app.get('/folders', async (request) => ({ folders: await listFolders(ctx, request.username) }));

  app.post<{ Body: ImportSieveBody }>('/import/sieve', { schema: { body: ImportSieveBody } }, async (request) => {
    const { importSieve } = await import('../../grammar/import/sieve.js');
    return importSieve(request.body.text);
  });

  app.post<{ Body: ImportProcmailBody }>('/import/procmail', { schema: { body: ImportProcmailBody } }, async (request) => {
    const { capabilities } = compileOptions(ctx.config);
    const { convertProcmail } = await import('../../grammar/import/procmail.js');
    return convertProcmail(request.body.text, {
      ...(request.body.folderMap ? { folderMap: request.body.folderMap } : {}),
      ...(capabilities ? { capabilities } : {}),
    });
  });

  app.get('/import/server-script', async (request) => serverScript(ctx, request.username));

  app.post<{ Body: ReplaceScriptBody }>('/import/server-script/replace', { schema: { body: ReplaceScriptBody } }, async (request, reply) =>
    reply.code(202).send(consentToReplace(ctx, request.username, request.body.name)),
  );

  app.get<{ Querystring: LimitQuery }>('/learning/log', { schema: { querystring: LimitQuery } }, async (request) =>
    learningLog(ctx.db, request.username, request.query.limit === undefined ? {} : { limit: request.query.limit }),
  );

  app.get('/learning/weekly', async (request) => weeklyCounts(ctx.db, request.username));
}
