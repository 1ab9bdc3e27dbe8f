// Login hardening: the per-user limit cannot be raced, a guesser cannot lock
// the owner out from another address, the cookie is SameSite=Strict over
// plain HTTP, and names the deploy layer would refuse never reach the
// authenticator. Two source addresses are real: the server listens on
// 127.0.0.1 and the client binds 127.0.0.1 or 127.0.0.2.
import type { FastifyInstance } from 'fastify';
import http from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { addUser, Client, startApp } from './harness.js';

const apps: FastifyInstance[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function appWith(limit: Record<string, number>): Promise<FastifyInstance> {
  const { app } = await startApp({ worker: false, env: { SIEVEWRIGHT_SERVER__LOGIN_LIMIT: JSON.stringify(limit) } });
  apps.push(app);
  return app;
}

/** Counts the password checks the login route asks the authenticator for. */
function countChecks(app: FastifyInstance): { calls: string[] } {
  const real = app.ctx.authenticator;
  const seen = { calls: [] as string[] };
  app.ctx.authenticator = {
    mode: real.mode,
    verify: (username, password) => {
      seen.calls.push(username);
      return real.verify(username, password);
    },
  };
  return seen;
}

interface Answer {
  status: number;
  setCookie: string[];
  body: { error?: { code: string; message: string } };
  ms: number;
}

/** POST /api/login over real HTTP from a chosen loopback source address. */
function loginFrom(port: number, localAddress: string, username: string, password: string): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, localAddress, path: '/api/login', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, setCookie: res.headers['set-cookie'] ?? [], body: JSON.parse(text), ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ username, password }));
  });
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

describe('the per-user limit under concurrency', () => {
  test('30 concurrent wrong passwords for one user: 5 are checked, 25 answer 429 without a check', async () => {
    const app = await appWith({ perIp: 1000, perUserFailures: 5, windowMinutes: 15 });
    await addUser(app, 'gail', 'gail-pw');
    const seen = countChecks(app);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => Client.anonymous(app).post('/api/login', { username: 'gail', password: `wrong-${i}` })));
    const codes = answers.map((r) => r.statusCode);
    expect(seen.calls).toHaveLength(5);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(25);
    for (const r of answers.filter((x) => x.statusCode === 429)) expect(r.json().error.code).toBe('rate_limited');
  });
});

describe('nobody can lock the owner out', () => {
  test('five wrong passwords from 127.0.0.1 stop that address for the user (any case), while the owner at 127.0.0.2 gets in after a delay', async () => {
    const delayMs = 400;
    const app = await appWith({ perIp: 1000, perUserFailures: 5, windowMinutes: 15, delayMs, maxDelayMs: 5000 });
    await addUser(app, 'demo', 'demo-pw');
    const port = await listen(app);
    for (let i = 0; i < 5; i++) expect((await loginFrom(port, '127.0.0.1', 'demo', `guess-${i}`)).status).toBe(401);

    const guesser = await loginFrom(port, '127.0.0.1', 'demo', 'demo-pw');
    expect(guesser.status).toBe(429);
    expect(guesser.body.error!.message).toMatch(/for this user from this address/);
    expect((await loginFrom(port, '127.0.0.1', 'Demo', 'demo-pw')).status).toBe(429);

    const owner = await loginFrom(port, '127.0.0.2', 'demo', 'demo-pw');
    expect(owner.status).toBe(200);
    // The user's five failures slow every further attempt down (timers may fire a millisecond early).
    expect(owner.ms).toBeGreaterThanOrEqual(delayMs - 5);
    // The owner's success forgives neither the guesser's address nor the user's failures elsewhere.
    expect((await loginFrom(port, '127.0.0.1', 'demo', 'demo-pw')).status).toBe(429);
  });

  test('the per-address limit still holds for a source address whatever the user names', async () => {
    const app = await appWith({ perIp: 3, perUserFailures: 100, windowMinutes: 15, delayMs: 0 });
    for (const u of ['hal', 'ida']) await addUser(app, u, `${u}-pw`);
    const port = await listen(app);
    const codes = [];
    for (const u of ['hal', 'ida', 'hal']) codes.push((await loginFrom(port, '127.0.0.2', u, 'wrong')).status);
    const fourth = await loginFrom(port, '127.0.0.2', 'ida', 'ida-pw');
    expect([...codes, fourth.status]).toEqual([401, 401, 401, 429]);
    expect(fourth.body.error!.message).toMatch(/from this address/);
    expect((await loginFrom(port, '127.0.0.1', 'ida', 'ida-pw')).status).toBe(200);
  });
});

describe('the session cookie', () => {
  test('over plain HTTP it is HttpOnly and SameSite=Strict, not downgraded to Lax, and not Secure', async () => {
    const app = await appWith({ perIp: 1000, perUserFailures: 5, windowMinutes: 15 });
    await addUser(app, 'jan', 'jan-pw');
    const port = await listen(app);
    const res = await loginFrom(port, '127.0.0.1', 'jan', 'jan-pw');
    expect(res.status).toBe(200);
    const sid = res.setCookie.find((c) => c.startsWith('sievewright.sid='))!;
    expect(sid).toMatch(/; SameSite=Strict/);
    expect(sid).toMatch(/; HttpOnly/);
    expect(sid).not.toMatch(/Secure/);
  });
});

describe('one username rule at login', () => {
  test.each(['..', '.', 'x..y', '.hidden', 'a/b', '../root', 'alice*backend', '-x', 'a b'])('%j is refused with 400 invalid_request before any password check', async (name) => {
    const app = await appWith({ perIp: 1000, perUserFailures: 5, windowMinutes: 15 });
    const seen = countChecks(app);
    const res = await Client.anonymous(app).post('/api/login', { username: name, password: 'whatever' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(res.json().error.details.issues[0].path).toBe('/username');
    expect(seen.calls).toEqual([]);
  });

  test('names the rule allows still reach the authenticator', async () => {
    const app = await appWith({ perIp: 1000, perUserFailures: 5, windowMinutes: 15 });
    await addUser(app, 'kim.o@example.org', 'kim-pw');
    const seen = countChecks(app);
    expect((await Client.anonymous(app).post('/api/login', { username: 'kim.o@example.org', password: 'kim-pw' })).statusCode).toBe(200);
    expect(seen.calls).toEqual(['kim.o@example.org']);
  });
});
