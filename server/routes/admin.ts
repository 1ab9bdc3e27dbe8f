// Admin-only routes (the group in app.ts enforces the role): defaults,
// policy, users with deploy status, bulk re-deploy with progress over SSE,
// audit log, learning health.
import type { FastifyInstance } from 'fastify';
import { learningHealth } from '../learning/service.js';
import { isAdmin } from '../plugins/auth.js';
import type { AppContext } from '../services/context.js';
import { defaultsView, deployGlobalScripts, policyView, redeployAll, saveDefaults, savePolicy } from '../services/defaults-service.js';
import { AppError } from '../services/errors.js';
import type { JobProgress } from '../services/redeploy-jobs.js';
import { DefaultsBody, JobParams, LimitQuery, PolicyBody } from './schemas.js';

const SSE_POLL_MS = 200;

export async function adminRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const logQueueError = (err: unknown) => app.log.error({ err }, 're-deploy: could not queue a user');
  const logGlobalError = (err: unknown) => app.log.error({ err }, 'global scripts: could not write them');

  app.get('/defaults', async () => defaultsView(ctx));

  app.put<{ Body: DefaultsBody }>('/defaults', { schema: { body: DefaultsBody } }, async (request) =>
    saveDefaults(ctx, request.username, request.body.text, (err) => app.log.error({ err }, 'defaults: a deploy step failed')),
  );

  app.get('/policy', async () => policyView(ctx));

  app.put<{ Body: PolicyBody }>('/policy', { schema: { body: PolicyBody } }, async (request) => savePolicy(ctx, request.username, request.body));

  app.get('/users', async () => {
    const statuses = new Map(ctx.outbox.statusAll().map((s) => [s.username, s]));
    const versions = ctx.rules.latestVersions();
    return ctx.users.list().map((u) => ({
      username: u.username,
      isAdmin: isAdmin(ctx, u.username),
      createdAt: u.createdAt,
      lastLoginAt: u.lastLoginAt,
      rulesVersion: versions.get(u.username) ?? 0,
      status: statuses.get(u.username) ?? ctx.outbox.status(u.username),
    }));
  });

  app.post('/redeploy', async (request, reply) => {
    const globalScripts = await deployGlobalScripts(ctx, logGlobalError);
    const jobId = redeployAll(ctx, logQueueError);
    ctx.audit.append({ actor: request.username, action: 'deploy.redeploy-all', target: 'all', details: { jobId } });
    return reply.code(202).send({ jobId, globalScripts });
  });

  app.get<{ Params: JobParams }>('/redeploy/:jobId/events', { schema: { params: JobParams } }, async (request, reply) => {
    const { jobId } = request.params;
    if (!ctx.redeploys.has(jobId)) throw new AppError(404, 'not_found', `no re-deploy job ${jobId}`);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (event: string, data: unknown): void => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    let last = '';
    let closed = false;
    request.raw.on('close', () => {
      closed = true;
    });
    while (!closed) {
      const p = ctx.redeploys.progress(jobId) as JobProgress;
      const key = JSON.stringify(p);
      if (key !== last) send('progress', p);
      last = key;
      if (p.done + p.failed >= p.total) {
        send('end', p);
        break;
      }
      await new Promise((r) => setTimeout(r, SSE_POLL_MS));
    }
    res.end();
  });

  app.get<{ Querystring: LimitQuery }>('/audit', { schema: { querystring: LimitQuery } }, async (request) =>
    ctx.audit.list({ limit: request.query.limit ?? 100 }).map(({ id: _id, ...e }) => e),
  );

  app.get('/learning', async () => learningHealth(ctx.db));
}
