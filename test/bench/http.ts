// HTTP benchmark: autocannon at 50 connections against GET /api/rules and
// POST /api/rules/preview (a realistic 50-rule set, admin defaults merged),
// beside a bare Fastify hello-world measured in the same run. Then, in a
// fresh server process (bundled for plain node, and through tsx), the RSS
// while loading and compiling 10,000 users' rule sets.
// Targets (issue 4): GET rules >= 40% of hello-world req/s, p99 < 25 ms;
// RSS < 150 MB.
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import Fastify, { type FastifyInstance } from 'fastify';
import { printRules } from '../../grammar/emit/rules-text.js';
import type { Rule, RuleSet } from '../../grammar/model.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config/load.js';
import { compileForUser, listUsernames } from '../../server/services/deploy-source.js';
import { exampleDefaults } from '../../server/services/first-run.js';
import { hashPassword } from '../../server/services/passwords.js';

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<CannonResult>;

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const USERS = Number(process.env.BENCH_HTTP_USERS ?? 10_000);

/** A plausible power user's set: folders by list, sender and subject, a few flags, sender lists. */
export function realisticRuleSet(n = 50, seed = 0): RuleSet {
  const rules: Rule[] = [];
  for (let i = 0; i < n; i++) {
    const k = (i + seed) % 5;
    const conditions: Rule['conditions'] =
      k === 0
        ? [{ kind: 'list-id', test: { match: 'contains', values: [`list${i}.lists.example.org`] } }]
        : k === 1
          ? [{ kind: 'address', header: 'from', part: 'domain', test: { match: 'is', values: [`vendor${i}.example.com`, `mail.vendor${i}.example.com`] } }]
          : k === 2
            ? [{ kind: 'subject', test: { match: 'contains', values: [`[project-${i}]`, `Re: [project-${i}]`] } }, { kind: 'size', comparison: 'under', bytes: 500_000 }]
            : k === 3
              ? [{ kind: 'header', names: ['X-Mailer'], test: { match: 'matches', values: [`bulk-${i}*`] } }]
              : [{ kind: 'address', header: 'to', part: 'localpart', test: { match: 'is', values: [`user+tag${i}`] } }];
    const actions: Rule['actions'] = k === 3 ? [{ kind: 'flag' }, { kind: 'fileinto', folder: `Bulk/${i}` }] : [{ kind: 'fileinto', folder: `Folders/F${i}` }, { kind: 'stop' }];
    rules.push({ name: `Rule ${i}`, enabled: i % 17 !== 0, combine: 'all', conditions, actions });
  }
  return {
    settings: { junkFolder: 'Junk', threshold: 5 },
    whitelist: Array.from({ length: 30 }, (_, i) => ({ pattern: `friend${i}@partner${i % 7}.example`, authenticated: i % 3 === 0 })),
    blocklist: Array.from({ length: 10 }, (_, i) => ({ pattern: `*@spam${i}.example`, action: 'junk' as const })),
    rules,
  };
}

function benchConfig(dir: string) {
  return loadConfig({
    env: {
      SIEVEWRIGHT_SERVER__DATA_DIR: dir,
      SIEVEWRIGHT_SERVER__DEMO: 'false',
      SIEVEWRIGHT_SERVER__WEB_ROOT: join(dir, 'no-web'),
      SIEVEWRIGHT_DEPLOY__DIRECTORY__HOME: join(dir, 'mail', '%u'),
    },
  });
}

async function cannon(url: string, opts: Record<string, unknown> = {}): Promise<CannonResult> {
  // Loaded here, not at the top: the memory child must not carry it.
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  // In a worker thread: on the servers' own event loop the client's parsing of
  // each response would be charged to the server, the more so the larger the body.
  return autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, workers: 1, ...opts });
}

function row(name: string, r: CannonResult, base?: CannonResult): string {
  const share = base ? `${((100 * r.requests.average) / base.requests.average).toFixed(0)}%` : '100%';
  return `| ${name.padEnd(34)} | ${r.requests.average.toFixed(0).padStart(7)} | ${share.padStart(6)} | ${String(r.latency.p50).padStart(5)} | ${String(r.latency.p99).padStart(5)} | ${String(r.non2xx + r.errors).padStart(6)} |`;
}

/**
 * Bare Fastify with only the cookie, session (in-memory store) and CSRF
 * plugins the app uses, answering the same body to a logged-in session: the
 * ceiling for any server built on these plugins, apart from our own code.
 */
async function pluginsOnly(body: () => Buffer): Promise<{ app: FastifyInstance; url: string; cookie: string }> {
  const app = Fastify();
  await app.register(fastifyCookie);
  await app.register(fastifySession, { secret: randomBytes(32).toString('hex'), saveUninitialized: false, rolling: false, cookie: { secure: false } });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  app.post('/login', async (request) => {
    request.session.user = { username: 'bench' };
    return { ok: true };
  });
  app.get('/same-body', async (request, reply) => {
    if (!request.session.user) return reply.code(401).send();
    return reply.type('application/json; charset=utf-8').send(body());
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/login`, { method: 'POST' });
  return { app, url: `${base}/same-body`, cookie: login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
}

async function throughput(): Promise<void> {
  const hello = Fastify();
  hello.get('/', async () => ({ hello: 'world' }));
  // The same bytes GET /api/rules answers, from a bare route: what the load
  // generator's own parsing of a body this size costs, apart from the server.
  let sameBody = Buffer.alloc(0);
  hello.get('/same-body', async (_request, reply) => reply.type('application/json; charset=utf-8').send(sameBody));
  await hello.listen({ host: '127.0.0.1', port: 0 });
  const helloUrl = `http://127.0.0.1:${(hello.server.address() as { port: number }).port}/`;
  const plugins = await pluginsOnly(() => sameBody);

  const dir = mkdtempSync(join(tmpdir(), 'sw-bench-http-'));
  const app = await buildApp({ config: benchConfig(dir), worker: false });
  app.ctx.users.ensure('bench', await hashPassword('bench-pw'));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-pw' }) });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const headers = { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken };
  const ruleSet = realisticRuleSet();
  const save = await fetch(`${base}/api/rules`, { method: 'PUT', headers, body: JSON.stringify({ ruleSet }) });
  if (!save.ok) throw new Error(`saving the bench rules failed: ${save.status} ${await save.text()}`);

  sameBody = Buffer.from(await (await fetch(`${base}/api/rules`, { headers })).arrayBuffer());
  const h = await cannon(helloUrl);
  const same = await cannon(`${helloUrl}same-body`);
  const withPlugins = await cannon(plugins.url, { headers: { cookie: plugins.cookie } });
  const g = await cannon(`${base}/api/rules`, { headers });
  const p = await cannon(`${base}/api/rules/preview`, { method: 'POST', headers, body: JSON.stringify({ ruleSet }) });
  const t = await cannon(`${base}/api/rules/preview`, { method: 'POST', headers, body: JSON.stringify({ text: printRules(ruleSet) }) });
  console.log(`autocannon, ${CONNECTIONS} connections, ${DURATION_S} s each; 50-rule set + 30 whitelist + 10 blocklist, admin defaults merged\n`);
  console.log('| endpoint                           |   req/s | vs bare | p50 ms | p99 ms | errors |');
  console.log('|------------------------------------|---------|---------|--------|--------|--------|');
  console.log(row('bare Fastify hello-world', h));
  console.log(row(`bare Fastify, same ${(sameBody.length / 1024).toFixed(0)} kB body`, same, h));
  console.log(row('  + cookie, session, CSRF plugins', withPlugins, h));
  console.log(row('GET /api/rules', g, h));
  console.log(row('POST /api/rules/preview (model)', p, h));
  console.log(row('POST /api/rules/preview (DSL text)', t, h));
  const share = g.requests.average / h.requests.average;
  console.log(`\nGET rules: ${(100 * share).toFixed(0)}% of hello-world (target >= 40%) ${share >= 0.4 ? 'OK' : 'MISSED'}; p99 ${g.latency.p99} ms (target < 25 ms) ${g.latency.p99 < 25 ? 'OK' : 'MISSED'}`);
  await app.close();
  await hello.close();
  await plugins.app.close();
}

/** Stores USERS users' rule sets (5-50 rules each) in a fresh data directory; returns it. */
async function storeUsers(): Promise<{ dir: string; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sw-bench-rss-'));
  const app = await buildApp({ config: benchConfig(dir), worker: false });
  const { ctx } = app;
  ctx.defaults.save(exampleDefaults(), printRules(exampleDefaults()), 'bench');
  const t0 = performance.now();
  ctx.db.transaction(() => {
    for (let i = 0; i < USERS; i++) {
      ctx.users.ensure(`user${i}`);
      ctx.rules.save(`user${i}`, realisticRuleSet(5 + (i % 46), i), `user${i}`, 'bench');
    }
  })();
  const ms = performance.now() - t0;
  await app.close();
  return { dir, ms };
}

/**
 * Child process, so nothing of the benchmark itself is counted: the server
 * starts on the stored data and loads, merges and compiles every user's rule
 * set, as a re-deploy of everyone does.
 */
async function memoryChild(dir: string): Promise<void> {
  const config = benchConfig(dir);
  const app = await buildApp({ config, worker: false });
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const t0 = performance.now();
  let bytes = 0;
  let n = 0;
  for (const username of listUsernames(app.ctx.db)) {
    bytes += compileForUser(app.ctx.db, config, username).sieve.length;
    if (++n % 250 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const compiled = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  global.gc?.();
  const after = process.memoryUsage().rss;
  await app.close();
  process.send?.({ compiled, bytes, baseline, peak, after });
}

interface MemoryFigures {
  compiled: number;
  bytes: number;
  baseline: number;
  peak: number;
  after: number;
}

function forkMemoryChild(script: string, execArgv: string[], dir: string): Promise<MemoryFigures> {
  const child = fork(script, [], { env: { ...process.env, SW_BENCH_HTTP_CHILD: dir }, execArgv: [...execArgv, '--expose-gc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as MemoryFigures));
    child.once('exit', (code) => (code ? reject(new Error(`memory child exited ${code}`)) : undefined));
  });
}

/**
 * The same child twice: bundled and run by plain node, as `npm start` runs
 * the server, and through tsx, as `npx sievewright` runs it in development.
 */
async function memory(): Promise<void> {
  const { dir, ms } = await storeUsers();
  const self = fileURLToPath(import.meta.url);
  const root = join(dirname(self), '..', '..');
  // Beside the server's own bundle, so the npm packages resolve from node_modules.
  const bundled = join(root, 'server', 'dist', 'bench-http.js');
  execFileSync(process.execPath, [join(root, 'server', 'build', 'bundle.js'), self, bundled], { stdio: 'inherit' });
  const runs: Array<[string, MemoryFigures]> = [
    ['bundled, plain node (npm start)', await forkMemoryChild(bundled, [], dir)],
    ['through tsx (npx sievewright)', await forkMemoryChild(self, process.execArgv, dir)],
  ];
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
  const first = runs[0]![1];
  console.log(`\n${USERS} users' rule sets (5-50 rules each) stored in ${(ms / 1000).toFixed(1)} s; a fresh server loaded, merged and compiled them all in ${(first.compiled / 1000).toFixed(1)} s (${mb(first.bytes)} of Sieve)\n`);
  console.log('| server process                  | RSS started | RSS peak | RSS after | peak < 150 MB |');
  console.log('|---------------------------------|-------------|----------|-----------|---------------|');
  for (const [name, r] of runs) {
    console.log(`| ${name.padEnd(31)} | ${mb(r.baseline).padStart(11)} | ${mb(r.peak).padStart(8)} | ${mb(r.after).padStart(9)} | ${(r.peak < 150 * 1024 * 1024 ? 'OK' : 'MISSED').padStart(13)} |`);
  }
}

export async function run(): Promise<void> {
  await throughput();
  await memory();
}

if (process.env.SW_BENCH_HTTP_CHILD) await memoryChild(process.env.SW_BENCH_HTTP_CHILD);
