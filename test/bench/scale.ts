// Scale on one node: `npm run bench -- scale [--users N]` (default 100,000).
// Seeds N users with realistic rule sets (5-50 rules, 27 on average) and the
// example admin defaults, bundles and starts the server as `npm start` runs
// it (directory target, every script verified by Pigeonhole's sievec, 64
// deploys at once), and measures:
// - bulk re-deploys of everyone with the progress stream closed (its end
//   read from the outbox rows by a reader of the database beside the
//   server), open (SSE until its `end` event), closed again: the first run
//   alone creates the mail homes, so A is the second closed run;
// - GET and PUT /api/rules latency of one user during each re-deploy;
// - the admin users page (first and last page of 50);
// - the server's peak RSS (VmHWM) and the bytes it wrote (write_bytes of
//   /proc/PID/io, its sievec children included) per user re-deployed,
//   beside the average size of a user's script + user_prefs.
// The last line is the one-line summary the project's targets are read from.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { printRules } from '../../grammar/emit/rules-text.js';
import type { RuleSet } from '../../grammar/model.js';
import { exampleDefaults } from '../../server/services/first-run.js';
import { hashPassword } from '../../server/services/passwords.js';
import { openDatabase, unpackText } from '../../server/store/db.js';
import { DefaultsRepository } from '../../server/store/defaults-repository.js';
import { RulesRepository } from '../../server/store/rules-repository.js';
import { UsersRepository } from '../../server/store/users-repository.js';
import { sievecConfig } from '../support/pigeonhole.js';
import { requireBinary } from '../support/programs.js';
import { realisticRuleSet } from './http.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONCURRENCY = 64;
const PAGE = 50;

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} expects a positive integer`);
  return n;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

async function seed(dir: string, users: number): Promise<void> {
  const db = openDatabase(join(dir, 'sievewright.db'));
  const usersRepo = new UsersRepository(db);
  const rules = new RulesRepository(db);
  new DefaultsRepository(db).save(exampleDefaults(), printRules(exampleDefaults()), 'bench');
  usersRepo.ensure('admin', await hashPassword('admin-pw'));
  usersRepo.ensure('bench', await hashPassword('bench-pw'));
  rules.save('bench', realisticRuleSet(27, 1), 'bench', 'bench');
  const chunk = 5_000;
  for (let from = 0; from < users; from += chunk) {
    db.transaction(() => {
      for (let i = from; i < Math.min(users, from + chunk); i++) {
        const u = `user${String(i).padStart(6, '0')}`;
        usersRepo.ensure(u);
        rules.save(u, realisticRuleSet(5 + (i % 46), i), u, 'bench');
      }
    })();
  }
  db.close();
}

interface Server {
  child: ChildProcess;
  base: string;
  stop(): Promise<void>;
}

async function startServer(dir: string, sievecConf: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'server', 'dist', 'main.js'), 'serve'], {
    cwd: dir,
    env: {
      ...process.env,
      SIEVEWRIGHT_CONFIG: '',
      SIEVEWRIGHT_SERVER__DATA_DIR: dir,
      SIEVEWRIGHT_SERVER__PORT: String(port),
      SIEVEWRIGHT_SERVER__DEMO: 'false',
      SIEVEWRIGHT_SERVER__WEB_ROOT: join(dir, 'no-web'),
      SIEVEWRIGHT_DEPLOY__DIRECTORY__HOME: join(dir, 'mail', '%u'),
      SIEVEWRIGHT_DEPLOY__CONCURRENCY: String(CONCURRENCY),
      // The latency probe saves a few times a second.
      SIEVEWRIGHT_RULES__SAVES_PER_MINUTE: '100000',
      SIEVEWRIGHT_DEPLOY__VERIFY__SIEVEC: requireBinary('sievec'),
      SIEVEWRIGHT_DEPLOY__VERIFY__CONFIG: sievecConf,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
    const up = await fetch(`${base}/healthz`).then((r) => r.status > 0, () => false);
    if (up) break;
    if (i > 600) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    base,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface Session {
  headers: Record<string, string>;
}

async function login(base: string, username: string, password: string): Promise<Session> {
  const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfToken } };
}

function procIo(pid: number): number {
  const m = /^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return Number(m![1]);
}

function peakRssMb(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** GET then PUT of the bench user's rules, one pair after another, until stopped. */
function probeLatency(base: string, session: Session): { stop(): Promise<{ get: number[]; put: number[] }> } {
  const get: number[] = [];
  const put: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      let t = performance.now();
      const r = await fetch(`${base}/api/rules`, { headers: session.headers });
      const body = (await r.json()) as { ruleSet: RuleSet };
      get.push(performance.now() - t);
      // A real change each time: a new version and a deploy queued beside the bulk one.
      const threshold = body.ruleSet.settings.threshold === 5 ? 6 : 5;
      t = performance.now();
      const w = await fetch(`${base}/api/rules`, { method: 'PUT', headers: session.headers, body: JSON.stringify({ ruleSet: { ...body.ruleSet, settings: { ...body.ruleSet.settings, threshold } } }) });
      if (!w.ok) throw new Error(`PUT /api/rules: ${w.status} ${await w.text()}`);
      await w.arrayBuffer();
      put.push(performance.now() - t);
      await new Promise((res) => setTimeout(res, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { get, put };
    },
  };
}

async function redeploy(base: string, admin: Session, stream: boolean, dbPath: string): Promise<number> {
  const reader = new Database(dbPath, { readonly: true, fileMustExist: true });
  const since = (reader.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM deploy_outbox').get() as { id: number }).id;
  const t0 = performance.now();
  const start = await fetch(`${base}/api/admin/redeploy`, { method: 'POST', headers: admin.headers, body: '{}' });
  if (start.status !== 202) throw new Error(`re-deploy: ${start.status} ${await start.text()}`);
  const { jobId } = (await start.json()) as { jobId: string };
  if (stream) {
    const res = await fetch(`${base}/api/admin/redeploy/${jobId}/events`, { headers: admin.headers });
    const text = await res.text();
    const end = /event: end\ndata: (.*)\n/.exec(text);
    if (!end) throw new Error(`re-deploy stream ended without an end event: ${text.slice(-300)}`);
    const p = JSON.parse(end[1]!) as { done: number; failed: number; total: number };
    if (p.failed > 0) throw new Error(`re-deploy: ${p.failed} of ${p.total} failed`);
  } else {
    // The stream stays closed: the end is read from the rows this job queued (ids past `since`, bench user's saves aside).
    const finished = reader.prepare("SELECT COUNT(*) AS n FROM deploy_outbox WHERE id > ? AND state IN ('deployed', 'failed') AND username <> 'bench'");
    const failed = reader.prepare("SELECT COUNT(*) AS n FROM deploy_outbox WHERE id > ? AND state = 'failed'");
    const users = (reader.prepare("SELECT COUNT(*) AS n FROM users WHERE username <> 'bench'").get() as { n: number }).n;
    while ((finished.get(since) as { n: number }).n < users) await new Promise((r) => setTimeout(r, 500));
    const f = (failed.get(since) as { n: number }).n;
    if (f > 0) throw new Error(`re-deploy: ${f} failed`);
  }
  const seconds = (performance.now() - t0) / 1000;
  reader.close();
  return seconds;
}

async function usersPageMs(base: string, admin: Session, total: number): Promise<{ first: number; last: number }> {
  const time = async (offset: number) => {
    const ms: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      const res = await fetch(`${base}/api/admin/users?offset=${offset}&limit=${PAGE}`, { headers: admin.headers });
      const body = (await res.json()) as { users: unknown[] };
      if (!res.ok || body.users.length === 0) throw new Error(`users page at ${offset}: ${res.status}`);
      ms.push(performance.now() - t);
    }
    return quantile(ms, 0.5);
  };
  return { first: await time(0), last: await time(Math.max(0, total - PAGE)) };
}

function fmt(xs: number[]): string {
  return `p50 ${quantile(xs, 0.5).toFixed(0)} ms, p99 ${quantile(xs, 0.99).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms (${xs.length})`;
}

export async function run(args: readonly string[] = []): Promise<void> {
  const users = option(args, 'users', 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'sw-bench-scale-'));
  try {
    const sievecConf = join(dir, 'sievec.conf');
    writeFileSync(sievecConf, sievecConfig());
    let t = performance.now();
    await seed(dir, users);
    console.log(`seeded ${users} users (5-50 rules each, 27 on average) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    execFileSync(process.execPath, [join(root, 'server', 'build', 'bundle.js')], { stdio: 'inherit' });
    const dbPath = join(dir, 'sievewright.db');
    const server = await startServer(dir, sievecConf);
    const pid = server.child.pid!;
    try {
      const admin = await login(server.base, 'admin', 'admin-pw');
      const bench = await login(server.base, 'bench', 'bench-pw');
      const total = users + 2;

      const results: Array<{ name: string; seconds: number; written: number; get: number[]; put: number[] }> = [];
      // Closed, open, closed: the first run alone creates the mail homes, so A is the second closed run.
      for (const stream of [false, true, false]) {
        const probe = probeLatency(server.base, bench);
        const before = procIo(pid);
        const seconds = await redeploy(server.base, admin, stream, dbPath);
        const written = procIo(pid) - before;
        const { get, put } = await probe.stop();
        results.push({ name: stream ? 'progress stream open' : 'progress stream closed', seconds, written, get, put });
      }
      const reader = new Database(dbPath, { readonly: true });
      reader.function('text_bytes', { deterministic: true }, (body: unknown) => Buffer.byteLength(unpackText(body as Buffer)));
      const size = reader
        .prepare(
          `SELECT AVG(text_bytes(s.body) + text_bytes(p.body)) AS b FROM deploy_outbox o
           JOIN deploy_blobs s ON s.id = o.sieve_blob JOIN deploy_blobs p ON p.id = o.prefs_blob WHERE o.state = 'deployed'`,
        )
        .get() as { b: number };
      reader.close();
      t = performance.now();
      const page = await usersPageMs(server.base, admin, total);
      const rss = peakRssMb(pid);
      const dbMb = (statSync(dbPath).size + (statSync(`${dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 1024 / 1024;

      console.log(`\n${total} users re-deployed to the directory target, sievec verifying each script (batched), ${CONCURRENCY} deploys at once\n`);
      console.log('| re-deploy              |      s | users/s | ms/user | written/user | GET /api/rules during | PUT /api/rules during |');
      console.log('|------------------------|--------|---------|---------|--------------|-----------------------|-----------------------|');
      for (const r of results) {
        console.log(`| ${r.name.padEnd(22)} | ${r.seconds.toFixed(1).padStart(6)} | ${(total / r.seconds).toFixed(0).padStart(7)} | ${((1000 * r.seconds) / total).toFixed(2).padStart(7)} | ${(r.written / total / 1024).toFixed(1).padStart(9)} KB | ${fmt(r.get)} | ${fmt(r.put)} |`);
      }
      console.log(`\nscript + user_prefs: ${(size.b / 1024).toFixed(1)} KB per user on average; database + WAL after both runs: ${dbMb.toFixed(0)} MB`);
      console.log(`users page (${PAGE} users): first ${page.first.toFixed(1)} ms, last ${page.last.toFixed(1)} ms (median of 15)`);
      console.log(`server peak RSS: ${rss.toFixed(0)} MB`);
      const [open, closed2] = [results[1]!, results[2]!];
      const A = closed2.seconds;
      const B = open.seconds;
      const C = Math.max(page.first, page.last);
      const E = closed2.written / total / 1024;
      const checks = [
        ['B <= 1.1 x A', B <= 1.1 * A],
        [`A <= 300 s at 100k (here ${((A * 100_000) / total).toFixed(0)} s scaled)`, (A * 100_000) / total <= 300],
        ['C <= 100 ms', C <= 100],
        ['D <= 300 MB', rss <= 300],
        ['E <= 2 x script + prefs', E <= (2 * size.b) / 1024],
      ] as const;
      console.log(`targets: ${checks.map(([name, ok]) => `${name} ${ok ? 'OK' : 'MISSED'}`).join('; ')}`);
      console.log(`scale: users=${users} redeploy_closed_s=${A.toFixed(1)} redeploy_open_s=${B.toFixed(1)} users_page_ms=${C.toFixed(1)} peak_rss_mb=${rss.toFixed(0)} written_per_user_kb=${E.toFixed(1)}`);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
