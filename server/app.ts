// Builds the Fastify app: plugins, then route groups. Authorization lives in
// the groups: `/api/*` (except login and health) requires a session and, for
// writes, a CSRF token; `/api/admin/*` additionally requires the admin role.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { readFileSync } from 'node:fs';
import { databasePath } from './config/paths.js';
import type { Config } from './config/schema.js';
import { csrfForWrites, registerSessions, requireAdmin, requireUser } from './plugins/auth.js';
import { registerErrorHandling } from './plugins/errors.js';
import { registerJsonDepthLimit } from './plugins/json-depth.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerWebUi } from './plugins/web.js';
import { adminRoutes } from './routes/admin.js';
import { deployRoutes } from './routes/deploy.js';
import { healthRoutes } from './routes/health.js';
import { mailRoutes } from './routes/mail.js';
import { mailRulesRoutes } from './routes/mail-rules.js';
import { rulesRoutes } from './routes/rules.js';
import { sessionRoutes } from './routes/session.js';
import { createContext, type AppContext } from './services/context.js';
import { deployGlobalScripts } from './services/defaults-service.js';
import { seedFirstRun } from './services/first-run.js';
import { openDatabase, type Db } from './store/db.js';

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

export interface BuildOptions {
  config: Config;
  /** An open database; by default `<dataDir>/sievewright.db`. */
  db?: Db;
  /** Run the deploy worker in this process (default true). */
  worker?: boolean;
  logger?: FastifyServerOptions['logger'];
}

const SESSION_PURGE_MS = 10 * 60_000;

/** Never log passwords, cookies or CSRF tokens. */
export const REDACT = ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', 'password'];

export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const ownsDb = !opts.db;
  const db = opts.db ?? openDatabase(databasePath(config));
  const tls = config.server.tls;
  const app = Fastify({
    logger: opts.logger === undefined ? false : typeof opts.logger === 'object' ? { ...opts.logger, redact: REDACT } : opts.logger,
    trustProxy: config.server.trustProxy,
    bodyLimit: 4 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    ...(tls ? { https: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } } : {}),
  }) as unknown as FastifyInstance;
  const ctx = createContext(config, db, { worker: opts.worker ?? true });
  app.decorate('ctx', ctx);
  registerErrorHandling(app);
  registerSecurityHeaders(app);
  registerJsonDepthLimit(app);
  await registerSessions(app, ctx);

  const seeded = await seedFirstRun(ctx);
  for (const a of seeded.accounts) {
    app.log.warn(`first start: created ${a.role} ${a.username} with password ${a.password} (shown once; keep it safe)`);
  }
  if (ctx.worker) {
    // The process that deploys also (re)installs the locked rules' global scripts, e.g. after the first start seeded the defaults.
    const global = await deployGlobalScripts(ctx, (err) => app.log.error({ err }, 'global scripts: could not write them'));
    if (!global.written) app.log.error(`global scripts not installed: ${global.error ?? 'unknown reason'}`);
  }

  await app.register(healthRoutes, { ctx });
  await app.register(
    async (api) => {
      await api.register(sessionRoutes, { ctx });
      await api.register(async (user) => {
        user.addHook('onRequest', requireUser(ctx));
        user.addHook('onRequest', csrfForWrites(user));
        await user.register(rulesRoutes, { ctx });
        await user.register(deployRoutes, { ctx });
        await user.register(mailRoutes, { ctx });
        await user.register(mailRulesRoutes, { ctx });
        await user.register(
          async (admin) => {
            admin.addHook('onRequest', requireAdmin(ctx));
            await admin.register(adminRoutes, { ctx });
          },
          { prefix: '/admin' },
        );
      });
    },
    { prefix: '/api' },
  );
  await registerWebUi(app, config.server.webRoot);

  ctx.worker?.start();
  // Expired sessions are refused on read anyway; this only keeps the table small.
  ctx.sessions.purgeExpired(Date.now());
  const purge = setInterval(() => ctx.sessions.purgeExpired(Date.now()), SESSION_PURGE_MS).unref();
  app.addHook('onClose', async () => {
    clearInterval(purge);
    await ctx.worker?.stop();
    if (ownsDb) db.close();
  });
  return app;
}
