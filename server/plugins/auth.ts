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
    /** Epoch ms of the last request (to within TOUCH_MS), for the idle limit. */
    lastSeen?: number;
    _csrf?: string;
  }
  interface FastifyRequest {
    /** Set by requireUser. */
    username: string;
  }
}

export const SESSION_COOKIE = 'sievewright.sid';

/**
 * The idle deadline moves forward at most this often, so a busy session costs
 * one store write a minute instead of one per request.
 */
const TOUCH_MS = 60_000;

export async function registerSessions(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const idleMs = ctx.config.server.sessionIdleMinutes * 60_000;
  const maxMs = ctx.config.server.sessionMaxHours * 3_600_000;
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: sessionSecret(ctx.config.server.dataDir),
    cookieName: SESSION_COOKIE,
    store: new SqliteSessionStore(ctx.sessions, idleMs),
    saveUninitialized: false,
    // Idle expiry is kept server-side (lastSeen); the cookie lives as long as the absolute limit.
    rolling: false,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      // Not 'auto': the session plugin turns that into SameSite=Lax over plain
      // HTTP. startSession sets Secure per request instead.
      secure: Boolean(ctx.config.server.tls),
      maxAge: maxMs,
    },
  });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/session',
    getToken: (req: FastifyRequest) => req.headers['x-csrf-token'] as string | undefined,
  });
  app.decorateRequest('username', '');
}

/** Marks a fresh login: both expiry clocks start now. */
export function startSession(request: FastifyRequest, username: string): void {
  // Secure on HTTPS (directly or, with trustProxy, behind a TLS proxy); Strict either way.
  request.session.options({ secure: request.protocol === 'https', sameSite: 'strict' });
  const now = Date.now();
  request.session.user = { username };
  request.session.loginAt = now;
  request.session.lastSeen = now;
}

/**
 * The user of a live session, or why there is none. A session past its idle
 * or absolute limit is ended here, whoever asks.
 */
async function liveSessionUser(ctx: AppContext, request: FastifyRequest): Promise<{ username: string } | { refused: string }> {
  const maxMs = ctx.config.server.sessionMaxHours * 3_600_000;
  const idleMs = ctx.config.server.sessionIdleMinutes * 60_000;
  const { user, loginAt, lastSeen } = request.session;
  if (!user) return { refused: 'log in first' };
  const now = Date.now();
  if (loginAt === undefined || lastSeen === undefined || now - loginAt > maxMs || now - lastSeen > idleMs) {
    await request.session.destroy();
    return { refused: 'the session expired; log in again' };
  }
  if (now - lastSeen > TOUCH_MS) request.session.lastSeen = now;
  return { username: user.username };
}

export function requireUser(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const live = await liveSessionUser(ctx, request);
    if ('refused' in live) throw new AppError(401, 'unauthenticated', live.refused);
    request.username = live.username;
  };
}

/** True when the request comes with a live admin session (for routes that are public but show admins more). */
export async function hasAdminSession(ctx: AppContext, request: FastifyRequest): Promise<boolean> {
  const live = await liveSessionUser(ctx, request);
  return 'username' in live && isAdmin(ctx, live.username);
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
