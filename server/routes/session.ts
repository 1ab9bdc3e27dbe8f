// Login, logout and the current session. Login is rate limited per client IP
// (@fastify/rate-limit), throttled per user and address and slowed down per
// user (LoginThrottle), rotates the session id, and returns the CSRF token
// every later write must carry.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAdmin, requireUser, SESSION_COOKIE, startSession } from '../plugins/auth.js';
import type { AppContext } from '../services/context.js';
import { AppError } from '../services/errors.js';
import { LoginThrottle } from '../services/login-throttle.js';
import { routes, type SessionResponse } from './contract.js';
import { route } from './route.js';

function sessionResponse(ctx: AppContext, username: string, reply: FastifyReply): SessionResponse {
  return { user: { username, isAdmin: isAdmin(ctx, username) }, csrfToken: reply.generateCsrf() };
}

function tooMany(retryAfter: number, what: string): AppError {
  const minutes = Math.max(1, Math.ceil(retryAfter / 60));
  return new AppError(429, 'rate_limited', `Too many login attempts ${what}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, {
    retryAfter,
  });
}

export async function sessionRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const { perIp, perUserFailures, windowMinutes, delayMs, maxDelayMs } = ctx.config.server.loginLimit;
  const windowMs = windowMinutes * 60_000;
  const throttle = new LoginThrottle({ perUserFailures, windowMs, delayMs, maxDelayMs });

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, c) => {
      const err = tooMany(Math.ceil(c.ttl / 1000), 'from this address');
      return Object.assign(err, { statusCode: 429 });
    },
  });

  route(
    app,
    routes.login,
    async (request, reply) => {
      const { username, password } = request.body;
      const admission = throttle.admit(username, request.ip);
      if (!admission.allowed) {
        reply.header('retry-after', String(admission.retryAfter));
        throw tooMany(admission.retryAfter, 'for this user from this address');
      }
      const { attempt } = admission;
      if (admission.delayMs > 0) await sleep(admission.delayMs);
      let ok: boolean;
      try {
        ok = await ctx.authenticator.verify(username, password);
      } catch (err) {
        attempt.abandoned();
        throw err;
      }
      if (!ok) {
        ctx.audit.append({ actor: username, action: 'login.failed', target: username, details: { ip: request.ip } });
        throw new AppError(401, 'bad_credentials', 'Wrong username or password.');
      }
      attempt.succeeded();
      // A fresh id at login, so an id planted before login is worthless.
      await request.session.regenerate();
      startSession(request, username);
      ctx.users.recordLogin(username);
      return sessionResponse(ctx, username, reply);
    },
    { config: { rateLimit: { max: perIp, timeWindow: windowMs } } },
  );

  const authed = requireUser(ctx);
  route(app, routes.session, async (request, reply) => sessionResponse(ctx, request.username, reply), { onRequest: authed });

  route(
    app,
    routes.logout,
    async (request, reply) => {
      await request.session.destroy();
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true } as const;
    },
    { onRequest: [authed, app.csrfProtection] },
  );
}
