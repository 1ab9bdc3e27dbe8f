// Admin-only routes (the group in app.ts enforces the role): defaults,
// policy, users with deploy status, bulk re-deploy with progress over SSE,
// audit log, learning health.
import type { FastifyInstance } from 'fastify';
import { learningHealth } from '../learning/service.js';
import { isAdmin } from '../plugins/auth.js';
import type { AppContext } from '../services/context.js';
import { defaultsView, deployGlobalScripts, policyView, redeployAll, saveDefaults, savePolicy } from '../services/defaults-service.js';
import { AppError } from '../services/errors.js';
import { routes, type RedeployProgress } from './contract.js';
import { route } from './route.js';

const SSE_MIN_INTERVAL_MS = 200;
const USERS_PAGE = 50;

export async function adminRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const logQueueError = (err: unknown) => app.log.error({ err }, 're-deploy: could not queue a user');
  const logGlobalError = (err: unknown) => app.log.error({ err }, 'global scripts: could not write them');

  route(app, routes.defaults, async () => defaultsView(ctx));

  route(app, routes.saveDefaults, async (request) =>
    saveDefaults(ctx, request.username, request.body.text, (err) => app.log.error({ err }, 'defaults: a deploy step failed')),
  );

  route(app, routes.policy, async () => policyView(ctx));

  route(app, routes.savePolicy, async (request) => savePolicy(ctx, request.username, request.body));

  // One page from SQL; each user's version and status by key, so the cost is the page's, not all users'.
  route(app, routes.users, async (request) => {
    const offset = request.query.offset ?? 0;
    const limit = request.query.limit ?? USERS_PAGE;
    const users = ctx.users.page(offset, limit).map((u) => ({
      username: u.username,
      isAdmin: isAdmin(ctx, u.username),
      createdAt: u.createdAt,
      lastLoginAt: u.lastLoginAt,
      rulesVersion: ctx.rules.latestVersion(u.username),
      status: ctx.outbox.status(u.username),
    }));
    return { total: ctx.users.count(), offset, limit, users };
  });

  route(app, routes.redeploy, async (request, reply) => {
    const globalScripts = await deployGlobalScripts(ctx, logGlobalError);
    const jobId = redeployAll(ctx, logQueueError);
    ctx.audit.append({ actor: request.username, action: 'deploy.redeploy-all', target: 'all', details: { jobId } });
    reply.code(202);
    return { jobId, globalScripts };
  });

  route(app, routes.redeployEvents, async (request, reply) => {
    const { jobId } = request.params;
    if (!ctx.redeploys.has(jobId)) throw new AppError(404, 'not_found', `no re-deploy job ${jobId}`);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (event: 'progress' | 'end', data: RedeployProgress): void => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // Events come from the job's counters as they move, at most one per SSE_MIN_INTERVAL_MS.
    await new Promise<void>((resolve) => {
      let last = '';
      let timer: NodeJS.Timeout | null = null;
      const flush = (): void => {
        timer = null;
        const p = ctx.redeploys.progress(jobId) as RedeployProgress;
        const key = JSON.stringify(p);
        if (key !== last) send('progress', p);
        last = key;
        if (p.done + p.failed >= p.total) {
          send('end', p);
          finish();
        }
      };
      const onChange = (): void => {
        timer ??= setTimeout(flush, SSE_MIN_INTERVAL_MS);
      };
      const unsubscribe = ctx.redeploys.subscribe(jobId, onChange);
      const finish = (): void => {
        if (timer) clearTimeout(timer);
        timer = null;
        unsubscribe();
        request.raw.off('close', finish);
        resolve();
      };
      request.raw.on('close', finish);
      flush();
    });
    res.end();
    return reply;
  });

  route(app, routes.audit, async (request) =>
    ctx.audit.list({ limit: request.query.limit ?? 100 }).map(({ id: _id, ...e }) => e),
  );

  route(app, routes.learningHealth, async () => learningHealth(ctx.db));
}
