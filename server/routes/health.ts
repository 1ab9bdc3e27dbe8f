// Liveness and readiness probes (no session, no CSRF). Anyone may ask
// whether the service is ready; what was checked (paths, server names,
// certificates) is shown only to a logged-in admin or to the addresses in
// server.readinessDetailsFrom (e.g. the monitoring host). The deep check is
// shared by all callers for server.readinessCacheSeconds, so probing
// /readyz cannot turn into a mail-server login per request.
import type { FastifyInstance } from 'fastify';
import { hasAdminSession } from '../plugins/auth.js';
import { AddressList } from '../services/address-list.js';
import type { AppContext } from '../services/context.js';
import { ProbeCache } from '../services/probe-cache.js';
import { readiness } from '../services/readiness.js';
import { routes } from './contract.js';
import { route } from './route.js';

export async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const { readinessDetailsFrom, readinessCacheSeconds } = ctx.config.server;
  const detailsFrom = new AddressList(readinessDetailsFrom);
  const probe = new ProbeCache(() => readiness(ctx.config, ctx.db), readinessCacheSeconds * 1000);

  route(app, routes.healthz, async () => ({ ok: true }) as const);

  route(app, routes.readyz, async (request, reply) => {
    const r = await probe.get();
    const details = detailsFrom.includes(request.ip) || (await hasAdminSession(ctx, request));
    reply.code(r.ready ? 200 : 503);
    return details ? r : { ready: r.ready };
  });
}
