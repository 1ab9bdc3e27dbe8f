import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emptyRuleSet, type RuleSet } from '../../../grammar/model.js';
import { buildApp } from '../../../server/app.js';
import { requireBinary, run } from '../../support/programs.js';
import { ADMIN, addUser, Client, startApp, tempDir, testConfig } from './harness.js';

type Access = 'public' | 'user' | 'admin';
interface Route {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  access: Access;
  body?: unknown;
}

function marked(marker: string): RuleSet {
  return {
    ...emptyRuleSet(),
    rules: [{ name: marker, enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'contains', values: [marker] } }], actions: [{ kind: 'fileinto', folder: marker }] }],
  };
}

// An apply run id no one has.
const RUN = '00000000-0000-4000-8000-000000000000';

// Every route of the API. A route added to the app but not here fails the completeness test below.
const ROUTES: Route[] = [
  { method: 'GET', url: '/healthz', access: 'public' },
  { method: 'GET', url: '/readyz', access: 'public' },
  { method: 'GET', url: '/api/session', access: 'user' },
  { method: 'POST', url: '/api/logout', access: 'user' },
  { method: 'GET', url: '/api/rules', access: 'user' },
  { method: 'GET', url: '/api/rules/text', access: 'user' },
  { method: 'PUT', url: '/api/rules', access: 'user', body: { ruleSet: marked('matrix') } },
  { method: 'GET', url: '/api/rules/history', access: 'user' },
  { method: 'POST', url: '/api/rules/history/1/restore', access: 'user' },
  { method: 'POST', url: '/api/rules/preview', access: 'user', body: { ruleSet: marked('preview') } },
  { method: 'PUT', url: '/api/defaults/overrides', access: 'user', body: { disabled: [] } },
  { method: 'GET', url: '/api/deploy/status', access: 'user' },
  { method: 'POST', url: '/api/deploy', access: 'user' },
  { method: 'GET', url: '/api/folders', access: 'user' },
  { method: 'POST', url: '/api/import/sieve', access: 'user', body: { text: 'keep;' } },
  { method: 'POST', url: '/api/import/procmail', access: 'user', body: { text: ':0\nInbox/\n' } },
  { method: 'GET', url: '/api/import/server-script', access: 'user' },
  { method: 'POST', url: '/api/import/server-script/replace', access: 'user', body: { name: 'roundcube' } },
  { method: 'GET', url: '/api/learning/log', access: 'user' },
  { method: 'GET', url: '/api/learning/weekly', access: 'user' },
  { method: 'POST', url: '/api/mail/try', access: 'user', body: { rules: { ruleSet: marked('try') }, folders: ['INBOX'] } },
  { method: 'POST', url: '/api/mail/apply/plan', access: 'user', body: { rules: { ruleSet: marked('plan') }, ruleIndexes: [0], folder: 'INBOX' } },
  { method: 'POST', url: '/api/mail/apply', access: 'user', body: { rules: { ruleSet: marked('apply') }, ruleIndexes: [0], folder: 'INBOX', expected: 0 } },
  { method: 'GET', url: '/api/mail/apply', access: 'user' },
  { method: 'GET', url: `/api/mail/apply/${RUN}`, access: 'user' },
  { method: 'POST', url: `/api/mail/apply/${RUN}/undo`, access: 'user' },
  { method: 'GET', url: '/api/admin/defaults', access: 'admin' },
  { method: 'PUT', url: '/api/admin/defaults', access: 'admin', body: { text: '' } },
  { method: 'GET', url: '/api/admin/policy', access: 'admin' },
  {
    method: 'PUT',
    url: '/api/admin/policy',
    access: 'admin',
    body: { allowedRedirectDomains: [], allowedActions: ['fileinto', 'redirect', 'reject', 'discard', 'keep', 'mark-read', 'flag', 'keyword', 'vacation', 'stop', 'raw'], maxRules: 500 },
  },
  { method: 'GET', url: '/api/admin/users', access: 'admin' },
  { method: 'POST', url: '/api/admin/redeploy', access: 'admin' },
  { method: 'GET', url: '/api/admin/redeploy/JOB/events', access: 'admin' },
  { method: 'GET', url: '/api/admin/audit', access: 'admin' },
  { method: 'GET', url: '/api/admin/learning', access: 'admin' },
];

let app: FastifyInstance;


async function freshLogin(name: string): Promise<Client> {
  return Client.login(app, name, `${name}-pw`);
}

beforeAll(async () => {
  ({ app } = await startApp({ env: { SIEVEWRIGHT_SERVER__LOGIN_LIMIT: JSON.stringify({ perIp: 1000, perUserFailures: 3, windowMinutes: 15 }) } }));
  for (const u of ['alice', 'bob', ADMIN]) await addUser(app, u, `${u}-pw`);
});

afterAll(async () => {
  await app.close();
});

describe('authorization matrix', () => {
  test('the matrix covers every route the app has', () => {
    const listed = new Set([
      'POST /api/login',
      ...ROUTES.map((r) => `${r.method} ${r.url.replace('/1/', '/:version/').replace('/JOB/', '/:jobId/').replace(RUN, ':runId')}`),
    ]);
    const printed = app.printRoutes({ commonPrefix: false });
    const { routes } = collectRoutes(printed);
    const missing = routes.filter((r) => !listed.has(r) && !r.startsWith('HEAD ') && !r.startsWith('OPTIONS '));
    expect(routes.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  test.each(['anonymous', 'alice', 'bob', ADMIN])('%s gets exactly the routes their role allows', async (who) => {
    const role: Access | 'none' = who === 'anonymous' ? 'none' : who === ADMIN ? 'admin' : 'user';
    const { jobId } = (await (await freshLogin(ADMIN)).post('/api/admin/redeploy')).json();
    const client = who === 'anonymous' ? Client.anonymous(app) : await freshLogin(who);
    // Logout last: it ends the session the other requests use.
    const ordered = [...ROUTES.filter((r) => r.url !== '/api/logout'), ...ROUTES.filter((r) => r.url === '/api/logout')];
    for (const r of ordered) {
      const res = await client.request(r.method, r.url.replace('JOB', jobId), r.body);
      const allowed = r.access === 'public' || (r.access === 'user' && role !== 'none') || (r.access === 'admin' && role === 'admin');
      const label = `${who} ${r.method} ${r.url} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
      if (allowed) {
        expect(res.statusCode, label).toBeLessThan(500);
        expect([401, 403], label).not.toContain(res.statusCode);
      } else {
        expect(res.statusCode, label).toBe(role === 'none' ? 401 : 403);
        expect(res.json().error.code, label).toBe(role === 'none' ? 'unauthenticated' : 'forbidden');
      }
    }
  });

  test("no user can read or change another user's rules, history or overrides", async () => {
    const alice = await freshLogin('alice');
    const bob = await freshLogin('bob');
    await alice.put('/api/rules', { ruleSet: marked('alice-secret-1') });
    await alice.put('/api/rules', { ruleSet: marked('alice-secret-2') });
    const aliceBefore = JSON.stringify(app.ctx.rules.history('alice'));

    for (const r of ROUTES.filter((x) => x.access === 'user' && x.method === 'GET')) {
      expect((await bob.get(r.url)).body, `${r.url} shows alice's data to bob`).not.toContain('alice-secret');
    }
    // Bob's writes, including a restore of a version number alice has, touch only bob.
    await bob.put('/api/rules', { ruleSet: marked('bob-own') });
    await bob.post('/api/rules/history/1/restore');
    await bob.put('/api/rules', { ruleSet: marked('bob-own-2') });
    await bob.post('/api/rules/history/2/restore');
    expect(JSON.stringify(app.ctx.rules.history('alice'))).toBe(aliceBefore);
    expect(JSON.stringify(app.ctx.rules.latest('alice')!.ruleSet)).toContain('alice-secret-2');
    expect(JSON.stringify(app.ctx.rules.latest('bob')!.ruleSet)).not.toContain('alice');
    // Query strings or bodies naming another user change nothing.
    const sneaky = await bob.request('PUT', '/api/rules?username=alice', { ruleSet: marked('bob-sneaky'), username: 'alice' });
    expect(sneaky.statusCode).toBe(400);
    expect(JSON.stringify(app.ctx.rules.latest('alice')!.ruleSet)).toContain('alice-secret-2');
    expect((await bob.get('/api/deploy/status')).json().username).toBe('bob');
  });
});

function collectRoutes(tree: string): { routes: string[] } {
  // printRoutes() draws a tree: each level is indented by 4 columns and a child's path continues its parent's.
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack.push(path);
    for (const method of m[3]!.split(',').map((x) => x.trim())) routes.push(`${method} ${path}`);
  }
  return { routes };
}

describe('CSRF', () => {
  test('a state-changing request without the token, or with a wrong one, is refused with 403', async () => {
    const alice = await freshLogin('alice');
    const none = await app.inject({ method: 'PUT', url: '/api/rules', headers: { cookie: alice.cookie! }, payload: { ruleSet: marked('csrf') } });
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('csrf');
    const wrong = await alice.request('PUT', '/api/rules', { ruleSet: marked('csrf') }, { 'x-csrf-token': 'forged' });
    expect(wrong.statusCode).toBe(403);
    // Bob's token does not work with alice's session.
    const bob = await freshLogin('bob');
    const crossed = await alice.request('PUT', '/api/rules', { ruleSet: marked('csrf') }, { 'x-csrf-token': bob.csrf! });
    expect(crossed.statusCode).toBe(403);
    expect(JSON.stringify(app.ctx.rules.latest('alice')?.ruleSet ?? {})).not.toContain('"csrf"');
    const logout = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: alice.cookie! } });
    expect(logout.statusCode).toBe(403);
  });

  test('the token from GET /api/session works for writes', async () => {
    const alice = await freshLogin('alice');
    alice.csrf = (await alice.get('/api/session')).json().csrfToken;
    expect((await alice.put('/api/rules', { ruleSet: marked('with-token') })).statusCode).toBe(200);
  });
});

describe('login rate limit', () => {
  test('after too many failed logins for one username from one address, even the right password from there gets 429 with retry-after', async () => {
    await addUser(app, 'carol', 'carol-pw');
    for (let i = 0; i < 3; i++) {
      expect((await Client.anonymous(app).post('/api/login', { username: 'carol', password: 'wrong' })).statusCode).toBe(401);
    }
    const res = await Client.anonymous(app).post('/api/login', { username: 'carol', password: 'carol-pw' });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/Too many login attempts for this user from this address\. Try again in \d+ minutes?\./) });
    // Other users are not affected.
    expect((await Client.anonymous(app).post('/api/login', { username: 'alice', password: 'alice-pw' })).statusCode).toBe(200);
  });

  test('too many attempts from one address get 429 with retry-after', async () => {
    const { app: strict } = await startApp({ worker: false, env: { SIEVEWRIGHT_SERVER__LOGIN_LIMIT: JSON.stringify({ perIp: 3, perUserFailures: 100, windowMinutes: 1 }) } });
    try {
      // A known user with cheap test hashing keeps this fast; the limit is per address, whatever the name.
      await addUser(strict, 'gina', 'gina-pw');
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await Client.anonymous(strict).post('/api/login', { username: 'gina', password: `wrong${i}` })).statusCode);
      expect(codes).toEqual([401, 401, 401, 429]);
      const res = await Client.anonymous(strict).post('/api/login', { username: 'gina', password: 'gina-pw' });
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/from this address/) });
    } finally {
      await strict.close();
    }
  });
});

describe('schema validation', () => {
  test.each([
    ['login without a password', 'POST', '/api/login', { username: 'alice' }],
    ['login with a master-user separator in the name', 'POST', '/api/login', { username: 'alice*backend', password: 'x' }],
    ['rules with neither model nor text', 'PUT', '/api/rules', { nothing: true }],
    ['a rule with an unknown action kind', 'PUT', '/api/rules', { ruleSet: { ...emptyRuleSet(), rules: [{ name: 'x', enabled: true, combine: 'all', conditions: [], actions: [{ kind: 'pipe', program: 'rm' }] }] } }],
    ['a threshold that is not a number', 'PUT', '/api/rules', { ruleSet: { ...emptyRuleSet(), settings: { junkFolder: 'Junk', threshold: 'high' } } }],
    ['a restore of version zero', 'POST', '/api/rules/history/0/restore', {}],
    ['overrides that are not a list', 'PUT', '/api/defaults/overrides', { disabled: { all: true } }],
    ['a learning log limit out of range', 'GET', '/api/learning/log?limit=100000', undefined],
  ])('%s is rejected with 400 and the error format', async (_name, method, url, body) => {
    const alice = await freshLogin('alice');
    const res = url === '/api/login' ? await Client.anonymous(app).request('POST', url, body) : await alice.request(method as 'GET', url, body);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('invalid_request');
    expect(typeof error.message).toBe('string');
    expect(Array.isArray(error.details.issues)).toBe(true);
  });

  test('malformed JSON is a 400 in the same format, unknown routes a 404', async () => {
    const alice = await freshLogin('alice');
    const bad = await app.inject({ method: 'PUT', url: '/api/rules', headers: { cookie: alice.cookie!, 'x-csrf-token': alice.csrf!, 'content-type': 'application/json' }, payload: '{"ruleSet":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');
    const missing = await alice.get('/api/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });
});

describe('sessions', () => {
  test('a session survives an app restart on the same database', async () => {
    const first = await startApp({ worker: false });
    await addUser(first.app, 'dave', 'dave-pw');
    const dave = await Client.login(first.app, 'dave', 'dave-pw');
    await first.app.close();
    const second = await startApp({ dir: first.dir, worker: false });
    try {
      const again = new Client(second.app, dave.cookie, dave.csrf);
      expect((await again.get('/api/session')).json().user.username).toBe('dave');
      expect((await again.put('/api/rules', { ruleSet: marked('after-restart') })).statusCode).toBe(200);
    } finally {
      await second.app.close();
    }
  });

  /** The stored session behind a client's cookie, to age it as time would. */
  function storedSession(client: Client): { sid: string; data: { loginAt: number; lastSeen: number }; expiresAt: number } {
    const sid = decodeURIComponent(client.cookie!.split('=')[1]!).split('.')[0]!;
    const row = app.ctx.db.prepare('SELECT data, expires_at FROM sessions WHERE sid = ?').get(sid) as { data: string; expires_at: number };
    return { sid, data: JSON.parse(row.data), expiresAt: row.expires_at };
  }

  function rewrite(s: ReturnType<typeof storedSession>): void {
    app.ctx.sessions.set(s.sid, JSON.stringify(s.data), s.expiresAt);
  }

  test('a session older than the absolute limit is refused even while in use', async () => {
    const alice = await freshLogin('alice');
    const s = storedSession(alice);
    s.data.loginAt = Date.now() - 13 * 3_600_000;
    rewrite(s);
    const res = await alice.get('/api/rules');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/expired/);
  });

  test('a session idle longer than the idle limit is refused even if its row is still there', async () => {
    const alice = await freshLogin('alice');
    const s = storedSession(alice);
    s.data.lastSeen = Date.now() - 61 * 60_000;
    s.expiresAt = Date.now() + 60_000;
    rewrite(s);
    expect((await alice.get('/api/rules')).statusCode).toBe(401);
  });

  test("an active session's idle deadline moves forward", async () => {
    const alice = await freshLogin('alice');
    const s = storedSession(alice);
    s.data.lastSeen = Date.now() - 30 * 60_000;
    s.expiresAt = s.data.lastSeen + 60 * 60_000;
    rewrite(s);
    expect((await alice.get('/api/rules')).statusCode).toBe(200);
    const after = storedSession(alice);
    expect(Date.now() - after.data.lastSeen).toBeLessThan(10_000);
    expect(after.expiresAt).toBeGreaterThan(Date.now() + 59 * 60_000);
  });

  test('a session idle past its expiry is gone', async () => {
    const alice = await freshLogin('alice');
    const s = storedSession(alice);
    s.expiresAt = Date.now() - 1;
    rewrite(s);
    expect((await alice.get('/api/rules')).statusCode).toBe(401);
  });
});

describe('Secure cookies', () => {
  test('served over HTTPS directly (server.tls), the session cookie is Secure', async () => {
    const d = tempDir();
    const made = await run(requireBinary('openssl'), ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(d, 'key.pem'), '-out', join(d, 'cert.pem')]);
    expect(made.code).toBe(0);
    const { app: tlsApp } = await startApp({ dir: d, worker: false, env: { SIEVEWRIGHT_SERVER__TLS: JSON.stringify({ certFile: join(d, 'cert.pem'), keyFile: join(d, 'key.pem') }) } });
    try {
      await addUser(tlsApp, 'frank', 'frank-pw');
      await tlsApp.listen({ host: '127.0.0.1', port: 0 });
      const port = (tlsApp.server.address() as { port: number }).port;
      const setCookie = await new Promise<string>((resolve, reject) => {
        const req = https.request(
          { host: '127.0.0.1', port, path: '/api/login', method: 'POST', ca: readFileSync(join(d, 'cert.pem')), headers: { 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            resolve(String(res.headers['set-cookie']));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ username: 'frank', password: 'frank-pw' }));
      });
      expect(setCookie).toMatch(/sievewright\.sid=.*; Secure/);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
    } finally {
      await tlsApp.close();
    }
  });


  test('with trustProxy, a login over https (X-Forwarded-Proto) gets a Secure cookie, and plain http does not', async () => {
    const { app: proxied } = await startApp({ worker: false, env: { SIEVEWRIGHT_SERVER__TRUST_PROXY: 'true' } });
    try {
      await addUser(proxied, 'erin', 'erin-pw');
      const login = (headers: Record<string, string>) =>
        proxied.inject({ method: 'POST', url: '/api/login', headers, payload: { username: 'erin', password: 'erin-pw' } });
      const https = (await login({ 'x-forwarded-proto': 'https' })).cookies.find((c) => c.name === 'sievewright.sid')!;
      expect(https.secure).toBe(true);
      expect(https.httpOnly).toBe(true);
      const http = (await login({})).cookies.find((c) => c.name === 'sievewright.sid')!;
      expect(http.secure).toBeFalsy();
      // Strict either way: the session plugin's 'auto' mode would have made it Lax over http.
      expect([https.sameSite, http.sameSite]).toEqual(['Strict', 'Strict']);
    } finally {
      await proxied.close();
    }
  });
});

describe('first start', () => {
  test('embedded mode creates the demo user and the admin with random passwords, logged once, and example rules', async () => {
    const lines: string[] = [];
    const d = tempDir();
    const config = testConfig(d, { SIEVEWRIGHT_SERVER__DEMO: 'true' });
    const a = await buildApp({ config, worker: false, logger: { level: 'info', stream: { write: (s: string) => lines.push(s) } } });
    const creds = [...lines.join('').matchAll(/created (user|admin) (\w+) with password (\S+) /g)].map((m) => ({ user: m[2]!, pw: m[3]! }));
    expect(creds.map((c) => c.user)).toEqual(['demo', ADMIN]);
    const demo = await Client.login(a, 'demo', creds[0]!.pw);
    const rules = (await demo.get('/api/rules')).json();
    expect(rules.ruleSet.whitelist.length).toBe(1);
    expect(rules.ruleSet.rules[0].conditions[0].kind).toBe('list-id');
    expect(rules.defaults.rules[0].conditions[0]).toMatchObject({ kind: 'auth', method: 'dmarc', result: 'fail' });
    // The example rules are queued for the directory target at once.
    expect((await demo.get('/api/deploy/status')).json().state).not.toBe('never');
    expect((await Client.login(a, ADMIN, creds[1]!.pw).then((c) => c.get('/api/admin/users'))).statusCode).toBe(200);
    await a.close();
    const again: string[] = [];
    const b = await buildApp({ config, worker: false, logger: { level: 'info', stream: { write: (s: string) => again.push(s) } } });
    await b.close();
    expect(again.join('')).not.toMatch(/with password/);
  });
});


