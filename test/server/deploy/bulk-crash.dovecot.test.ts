// A bulk deploy of 100 users while Dovecot is killed at random points and
// sievewright's own worker is replaced mid-run: afterwards every user has
// exactly one sievewright script, active, with the latest version, and no
// user was ever without an active script. The kill points come from a
// seed named in the test's title; CRASH_SEED=<seed> replays them.
import { mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Outbox } from '../../../server/deploy/outbox.js';
import { DeployWorker } from '../../../server/deploy/worker.js';
import { ManageSieveClient } from '../../../server/managesieve/client.js';
import { openDatabase } from '../../../server/store/db.js';
import { dovecotSieveTarget } from '../../support/dovecot-target.js';
import { startDovecot, type Dovecot } from '../../support/dovecot.js';
import { random, seedFrom } from '../../support/random.js';

const SEED = seedFrom('CRASH_SEED');
const USERS = Array.from({ length: 100 }, (_, i) => `user${String(i).padStart(3, '0')}`);
let dc: Dovecot;
let dir: string;

beforeAll(async () => {
  dc = await startDovecot({ perf: true, users: Object.fromEntries(USERS.map((u) => [u, `${u}-pw`])) });
  dir = await mkdtemp(join(tmpdir(), 'sw-bulk-'));
});
afterAll(async () => {
  await dc?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const script = (u: string, v: number) => `# ${u} version ${v}\r\nif header :contains "subject" "v${v}" { discard; }\r\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * dc.start() gives Dovecot 10 s to greet; on a loaded machine a restart under
 * a stream of reconnecting clients can take longer. The master is up by then,
 * so keep waiting for a ManageSieve greeting instead of failing the run.
 */
async function restart(): Promise<void> {
  try {
    await dc.start();
  } catch (e) {
    if (!dc.isRunning()) throw e;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const c = await ManageSieveClient.connect({ host: dc.host, port: dc.sievePort, tls: 'none', timeoutMs: 5000 }).catch(() => null);
      if (c) return c.logout();
      if (Date.now() > deadline) throw e;
      await sleep(200);
    }
  }
}

function newWorker(dbPath: string) {
  const db = openDatabase(dbPath);
  const outbox = new Outbox(db);
  const target = dovecotSieveTarget(dc, { timeoutMs: 3000, takeOver: false });
  const worker = new DeployWorker(outbox, target, { concurrency: 4, maxAttempts: 100, backoff: { baseMs: 50, maxMs: 400 }, pollMs: 50 });
  return { db, outbox, worker };
}

/** Straight from Dovecot's files: the active link must point at an existing sievewright script. */
async function activeVersion(user: string): Promise<number | null> {
  const link = join(dc.home(user), '.dovecot.sieve');
  const target = await readlink(link).catch(() => null);
  if (target === null || !/^sieve\/sievewright-[ab]\.sieve$/.test(target)) return null;
  const body = await readFile(resolve(dc.home(user), target), 'utf8').catch(() => null);
  const m = body && /version (\d+)/.exec(body);
  return m ? Number(m[1]) : null;
}

test(`killing Dovecot and restarting the worker during a bulk deploy loses nothing and never leaves a user without a script (CRASH_SEED=${SEED})`, async () => {
  const rand = random(SEED);
  const dbPath = join(dir, 'sw.db');
  let run = newWorker(dbPath);
  for (const u of USERS) run.outbox.enqueue({ username: u, version: 1, sieve: script(u, 1), prefs: '' });
  run.worker.start();
  await run.worker.drain();
  expect(await Promise.all(USERS.map(activeVersion))).toEqual(USERS.map(() => 1));

  // Version 2 for everyone, and version 3 for some while 2 is under way (coalescing).
  for (const u of USERS) run.outbox.enqueue({ username: u, version: 2, sieve: script(u, 2), prefs: '' });
  const latest = new Map(USERS.map((u) => [u, 2]));
  let kills = 0;
  for (let round = 0; round < 4; round++) {
    await sleep(40 + Math.floor(rand() * 250));
    const outstandingAtKill = run.outbox.statusAll().filter((st) => st.state === 'pending').length;
    await dc.kill();
    kills += 1;
    if (round === 0) expect(outstandingAtKill, 'the first kill lands in the middle of the bulk deploy').toBeGreaterThan(0);
    const versions = await Promise.all(USERS.map(activeVersion));
    expect(versions.filter((v) => v === null), `users without an active script after kill ${kills}`).toEqual([]);
    if (round === 1) {
      // sievewright restarts too: a new process would open the same database.
      await run.worker.stop();
      run.db.close();
      run = newWorker(dbPath);
      run.worker.start();
      for (const u of USERS.slice(0, 30)) {
        run.outbox.enqueue({ username: u, version: 3, sieve: script(u, 3), prefs: '' });
        latest.set(u, 3);
      }
    }
    await restart();
  }
  await run.worker.drain();
  await run.worker.stop();

  expect(kills).toBe(4);
  const finalVersions = await Promise.all(USERS.map(activeVersion));
  expect(USERS.filter((u, i) => finalVersions[i] !== latest.get(u)).map((u) => `${u}: ${finalVersions[USERS.indexOf(u)]} instead of ${latest.get(u)}`)).toEqual([]);
  const statuses = run.outbox.statusAll();
  expect(statuses.filter((s) => s.state !== 'deployed' || s.deployedVersion !== latest.get(s.username))).toEqual([]);
  // Exactly one sievewright script per user, as Dovecot reports it (a sample, over ManageSieve).
  for (const u of USERS.filter((_, i) => i % 10 === 0)) {
    const c = await ManageSieveClient.connect({ host: dc.host, port: dc.sievePort, tls: 'none' });
    await c.authenticate(dc.master.username, dc.master.password, u);
    const scripts = await c.listScripts();
    await c.logout();
    expect(scripts).toHaveLength(1);
    expect(scripts[0]!.active).toBe(true);
  }
  run.db.close();
});
