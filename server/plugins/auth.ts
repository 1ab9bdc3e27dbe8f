// Cookies, persisted sessions, CSRF and the authorization hooks. Routes do
// not check roles themselves: the route groups in app.ts attach `requireUser`
// or `requireAdmin` once per prefix.
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../services/errors.js';
import { SqliteSessionStore } from '../services/session-store.js';
import { sessionSecret } from '../services/session-secret.js';
import type { AppContext } from '../services/context.js';

declare module 'fastify' {
  interface Session {
    user?: { username: string };
    /** Epoch ms of the login, for the absolute session limit. */
    loginAt?: number;
    _csrf?: string;
  }
  interface FastifyRequest {
    /** Set by requireUser. */
    username: string;
  }
}

export const SESSION_COOKIE = 'sievewright.sid';

export async function registerSessions(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const idleMs = ctx.config.server.sessionIdleMinutes * 60_000;
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: sessionSecret(ctx.config.server.dataDir),
    cookieName: SESSION_COOKIE,
    store: new SqliteSessionStore(ctx.sessions, idleMs),
    saveUninitialized: false,
    // Each request pushes the idle deadline forward.
    rolling: true,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      // Secure on HTTPS (directly or, with trustProxy, behind a TLS proxy).
      secure: 'auto',
      maxAge: idleMs,
    },
  });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/session',
    getToken: (req: FastifyRequest) => req.headers['x-csrf-token'] as string | undefined,
  });
  app.decorateRequest('username', '');
}

function expired(request: FastifyRequest, maxMs: number): boolean {
  return request.session.loginAt === undefined || Date.now() - request.session.loginAt > maxMs;
}

export function requireUser(ctx: AppContext) {
  const maxMs = ctx.config.server.sessionMaxHours * 3_600_000;
  return async (request: FastifyRequest): Promise<void> => {
    const user = request.session.user;
    if (!user) throw new AppError(401, 'unauthenticated', 'log in first');
    if (expired(request, maxMs)) {
      await request.session.destroy();
      throw new AppError(401, 'unauthenticated', 'the session expired; log in again');
    }
    request.username = user.username;
  };
}

export function isAdmin(ctx: AppContext, username: string): boolean {
  return ctx.config.server.admins.includes(username);
}

export function requireAdmin(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!isAdmin(ctx, request.username)) throw new AppError(403, 'forbidden', 'administrators only');
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** CSRF check for every state-changing request in the group it is added to. */
export function csrfForWrites(app: FastifyInstance) {
  return (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    if (SAFE_METHODS.has(request.method)) return done();
    app.csrfProtection(request, reply, done);
  };
}
