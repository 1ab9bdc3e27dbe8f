// Bulk deploy to a local Dovecot (reused login processes, `perf: true`):
// sievewright's outbox + worker + ManageSieve target at concurrency 1, 4 and
// 16, beside Debian's sieve-connect (one process per push: upload and
// activate) and a minimal raw client (plain socket, AUTHENTICATE PLAIN,
// PUTSCRIPT, SETACTIVE, LOGOUT, each awaited) as the server's ceiling.
// sievewright does more per user: LISTSCRIPTS, CHECKSCRIPT and the removal
// of the previous script, pipelined.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from '../../server/deploy/outbox.js';
import { DeployWorker } from '../../server/deploy/worker.js';
import { openDatabase } from '../../server/store/db.js';
import { dovecotSieveTarget } from '../support/dovecot-target.js';
import { requireBinary } from '../support/programs.js';
import { startDovecot, type Dovecot } from '../support/dovecot.js';

const USERS = Array.from({ length: Number(process.env.BENCH_DEPLOY_USERS ?? 2000) }, (_, i) => `u${String(i).padStart(4, '0')}`);
const SIEVE_CONNECT_PUSHES = 50;
const CONCURRENCY = [1, 4, 16];
const SLICE = 250;

// A typical compiled script: five rules, ~400 bytes.
const script = (round: number) => `require ["fileinto", "imap4flags"];
# sievewright bench round ${round}
if address :is "from" ["boss@example.com", "ceo@example.com"] { fileinto "Boss"; stop; }
if header :contains "subject" "[dev]" { fileinto "Lists/dev"; stop; }
if header :contains "list-id" "announce" { fileinto "Lists/announce"; stop; }
if header :contains "x-spam-flag" "YES" { addflag "$Junk"; fileinto "Junk"; stop; }
if size :over 5M { fileinto "Large"; }
`;

/** Seconds for sievewright to deploy `users` through a fresh outbox and worker. */
async function sievewright(dc: Dovecot, dir: string, users: readonly string[], concurrency: number, round: number): Promise<number> {
  const db = openDatabase(join(dir, `bench-${round}.db`));
  const outbox = new Outbox(db);
  // The raw client and sieve-connect runs leave their own script active.
  const target = dovecotSieveTarget(dc, { timeoutMs: 15_000, takeOver: true });
  const worker = new DeployWorker(outbox, target, { concurrency });
  const sieve = script(round);
  for (const u of users) outbox.enqueue({ username: u, version: round, sieve, prefs: '' });
  const t0 = performance.now();
  worker.start();
  await worker.drain();
  const seconds = (performance.now() - t0) / 1000;
  await worker.stop();
  const failed = outbox.statusAll().filter((s) => s.state !== 'deployed');
  db.close();
  if (failed.length) throw new Error(`${failed.length} deploys failed, e.g. ${failed[0]!.username}: ${failed[0]!.error}`);
  return seconds;
}

/** One connection: greeting, AUTHENTICATE PLAIN (master for user), PUTSCRIPT, SETACTIVE, LOGOUT, each awaited. */
function rawPush(dc: Dovecot, user: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(dc.sievePort, dc.host);
    sock.setNoDelay(true);
    const auth = Buffer.from(`${user}\0${dc.master.username}\0${dc.master.password}`).toString('base64');
    const steps = [
      `AUTHENTICATE "PLAIN" "${auth}"\r\n`,
      `PUTSCRIPT "raw" {${Buffer.byteLength(body)}+}\r\n${body}\r\n`,
      'SETACTIVE "raw"\r\n',
      'LOGOUT\r\n',
    ];
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      let m;
      while ((m = /^(OK|NO|BYE)[^\r\n]*\r\n/m.exec(buf))) {
        buf = buf.slice(m.index + m[0].length);
        if (m[1] !== 'OK') return reject(new Error(`raw client: ${m[0].trim()}`));
        const next = steps.shift();
        if (next) sock.write(next);
        else {
          sock.destroy();
          resolve();
        }
      }
    });
    sock.on('error', reject);
  });
}

/** Seconds for the raw client to push to `users`. */
async function rawClient(dc: Dovecot, users: readonly string[], concurrency: number, round: number): Promise<number> {
  const body = script(round);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < users.length) await rawPush(dc, users[next++]!, body);
    }),
  );
  return (performance.now() - t0) / 1000;
}

function runSieveConnect(bin: string, dc: Dovecot, user: string, execFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      bin,
      ['-s', dc.host, '-p', String(dc.sievePort), '--notlsverify', '--clearchan', '-u', dc.master.username, '-a', user, '--passwordfd', '3', '--exec', execFile],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    (child.stdio[3] as NodeJS.WritableStream).end(`${dc.master.password}\n`);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sieve-connect exit ${code}: ${err.trim()}`))));
  });
}

async function sieveConnect(dc: Dovecot, dir: string): Promise<number> {
  const bin = requireBinary('sieve-connect');
  const local = join(dir, 'sc.sieve');
  const exec = join(dir, 'sc.commands');
  await writeFile(local, script(99));
  await writeFile(exec, `upload ${local} sc\nactivate sc\n`);
  const t0 = performance.now();
  for (const u of USERS.slice(0, SIEVE_CONNECT_PUSHES)) await runSieveConnect(bin, dc, u, exec);
  return SIEVE_CONNECT_PUSHES / ((performance.now() - t0) / 1000);
}

export async function run(): Promise<void> {
  const dc = await startDovecot({ perf: true, users: Object.fromEntries(USERS.map((u) => [u, `${u}-pw`])) });
  const dir = await mkdtemp(join(tmpdir(), 'sw-bench-deploy-'));
  try {
    const sc = await sieveConnect(dc, dir);
    const rows: string[][] = [];
    let round = 1;
    for (const c of CONCURRENCY) {
      // Alternate the two clients over slices of the users, so drifting load
      // on a shared machine weighs on both alike.
      let ourSeconds = 0;
      let rawSeconds = 0;
      for (let i = 0; i < USERS.length; i += SLICE) {
        const slice = USERS.slice(i, i + SLICE);
        rawSeconds += await rawClient(dc, slice, c, round++);
        ourSeconds += await sievewright(dc, dir, slice, c, round++);
      }
      const ours = USERS.length / ourSeconds;
      const raw = USERS.length / rawSeconds;
      rows.push([String(c), ours.toFixed(0), raw.toFixed(0), `${((ours / raw) * 100).toFixed(0)}%`, `${(ours / sc).toFixed(0)}x`]);
    }
    console.log(`${USERS.length} users per run, script ${Buffer.byteLength(script(1))} bytes; sieve-connect: ${SIEVE_CONNECT_PUSHES} pushes (upload + activate) at ${sc.toFixed(1)} pushes/s`);
    const header = ['concurrency', 'sievewright users/s', 'raw client users/s', 'vs raw', 'vs sieve-connect'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [header, ...rows]) console.log(`| ${r.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await dc.cleanup();
  }
}
