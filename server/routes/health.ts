// Liveness and readiness probes (no session, no CSRF).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../services/context.js';
import { readiness } from '../services/readiness.js';

export async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_request, reply) => {
    const r = await readiness(ctx.config, ctx.db);
    return reply.code(r.ready ? 200 : 503).send(r);
  });
}
