// `sievewright push`: compile and deploy users' scripts through the outbox,
// with a progress bar and a summary. Settings come from the config file
// (and SIEVEWRIGHT_* variables); flags override single settings and are
// validated by the same loader.
import { databasePath } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { Outbox } from '../deploy/outbox.js';
import { errorPlace } from '../deploy/rejection.js';
import { createTarget } from '../deploy/targets.js';
import { DeployWorker, type DeployedEvent, type DeployFailure, type DeployProgress } from '../deploy/worker.js';
import { deployGlobalScripts } from '../services/defaults-service.js';
import { compileForUser, listUsernames } from '../services/deploy-source.js';
import { InvalidUsernameError, isValidUsername } from '../services/username.js';
import { openDatabase } from '../store/db.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { configForCommand } from '../config/cli.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';

const USAGE = `usage: sievewright push (--user NAME [--user NAME ...] | --all) [options]

Compiles each user's rules (with the admin defaults) and deploys the Sieve
script and user_prefs. A user whose script is rejected keeps the old one.

  --all                     every known user, and the global scripts of the
                            admin's locked rules (deploy.globalScripts)
  --config FILE             JSON config (default: $SIEVEWRIGHT_CONFIG)
  --db FILE                 database (default: <server.dataDir>/sievewright.db)
  --host HOST --port PORT   ManageSieve server (implies deploy.target managesieve)
  --tls MODE                none | starttls | implicit (default starttls)
  --ca-file FILE            PEM of a private CA to trust
  --auth-user MASTER        master user acting for each user
  --password-file FILE      its password file
  --concurrency N           parallel deploys (deploy.concurrency)
  --attempts N              tries per user before giving up (default 3)
  --take-over               replace another active script (deploy.takeOver)
`;

const OPTIONS = {
  user: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  ...stringOptions('config', 'db', 'host', 'port', 'tls', 'ca-file', 'auth-user', 'password-file', 'concurrency', 'attempts'),
  'take-over': { type: 'boolean' },
} as const;

type Values = ParsedCommandLine<typeof OPTIONS>['values'];

/** Flags as SIEVEWRIGHT_* overrides, so the config loader validates them like any setting. */
function flagEnv(v: Values): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (name: string, value: unknown) => {
    env[`SIEVEWRIGHT_${name}`] = typeof value === 'string' ? value : JSON.stringify(value);
  };
  if (v.host !== undefined || v.port !== undefined) {
    const port = Number(v.port ?? 4190);
    if (!v.host || !Number.isInteger(port)) throw new UsageError('--host HOST and --port PORT describe one ManageSieve server');
    const endpoint: Record<string, unknown> = { host: v.host, port, tls: v.tls ?? 'starttls' };
    if (v['ca-file']) endpoint.caFile = v['ca-file'];
    set('MAIL__MANAGESIEVE', endpoint);
    set('DEPLOY__TARGET', 'managesieve');
  }
  const user = v['auth-user'];
  const file = v['password-file'];
  if (user !== undefined || file !== undefined) {
    if (!user || !file) throw new UsageError('--auth-user and --password-file go together');
    set('MAIL__MASTER_USER', { username: user, passwordFile: file });
  }
  if (v.concurrency) set('DEPLOY__CONCURRENCY', v.concurrency);
  if (v['take-over']) set('DEPLOY__TAKE_OVER', 'true');
  return env;
}

/** `[#########.........]  45/100  ok 44  failed 1` */
export function renderProgress(p: DeployProgress, width = 30): string {
  const finished = p.done + p.failed;
  const filled = p.total === 0 ? width : Math.round((finished / p.total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(finished).padStart(String(p.total).length)}/${p.total}  ok ${p.done}  failed ${p.failed}`;
}

function progressPrinter(stream: NodeJS.WriteStream): { update(p: DeployProgress): void; finish(): void } {
  if (stream.isTTY) {
    return {
      update: (p) => stream.write(`\r${renderProgress(p)}`),
      finish: () => stream.write('\n'),
    };
  }
  // Logs and pipes get a line every few seconds instead of carriage returns.
  let last = 0;
  let pending: DeployProgress | null = null;
  return {
    update: (p) => {
      pending = p;
      if (Date.now() - last < 2000) return;
      last = Date.now();
      stream.write(`${renderProgress(p)}\n`);
      pending = null;
    },
    finish: () => {
      if (pending) stream.write(`${renderProgress(pending)}\n`);
    },
  };
}

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'push', usage: USAGE, options: OPTIONS }, args, push);
}

async function push({ values }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  const named = values.user ?? [];
  if (!values.all && named.length === 0) throw new UsageError('name users with --user, or use --all');
  if (values.all && named.length > 0) throw new UsageError('--all and --user exclude each other');
  const attempts = Number(values.attempts ?? 3);
  if (!Number.isInteger(attempts) || attempts < 1) throw new UsageError('--attempts expects a positive integer');
  const config = configForCommand('push', values.config, flagEnv(values));
  if (!config) return EXIT_INPUT;

  const db = openDatabase(values.db ?? databasePath(config));
  try {
    return await deploy(db, config, values, attempts);
  } finally {
    db.close();
  }
}

async function deploy(db: ReturnType<typeof openDatabase>, config: Config, values: Values, attempts: number): Promise<number> {
  const known = listUsernames(db);
  const knownSet = new Set(known);
  const users = values.all ? known : (values.user ?? []);
  const problems: string[] = [];
  if (values.all) {
    // The returned status carries the reason of a failed write; it is reported below with the users' problems.
    const global = await deployGlobalScripts({ db, config }, () => {});
    if (global.written) process.stdout.write(`global scripts: ${global.before}, ${global.after}\n`);
    else problems.push(`global scripts: ${global.error ?? 'not written'}`);
  }
  const target = createTarget(config);
  const outbox = new Outbox(db, { target: target.label });
  for (const u of users) {
    if (!isValidUsername(u)) {
      problems.push(new InvalidUsernameError(u).message);
      continue;
    }
    if (!knownSet.has(u)) {
      problems.push(`${u}: no such user`);
      continue;
    }
    const compiled = compileForUser(db, config, u);
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      problems.push(`${u}: rules do not compile: ${errors[0]!.message}`);
      continue;
    }
    outbox.enqueue({ username: u, version: compiled.version, sieve: compiled.sieve, prefs: compiled.prefs });
  }

  const worker = new DeployWorker(outbox, target, {
    concurrency: config.deploy.concurrency,
    maxAttempts: attempts,
    backoff: { baseMs: 500, maxMs: 5_000 },
  });
  const printer = progressPrinter(process.stderr);
  const failures: DeployFailure[] = [];
  let final: DeployProgress = { done: 0, failed: 0, total: 0 };
  worker.on('progress', (p: DeployProgress) => {
    final = p;
    printer.update(p);
  });
  worker.on('failed', (f: DeployFailure) => {
    if (f.final) failures.push(f);
  });
  let unverified = 0;
  worker.on('deployed', (d: DeployedEvent) => {
    if (!d.verified) unverified += 1;
  });
  const started = Date.now();
  worker.start();
  await worker.drain();
  await worker.stop();
  printer.finish();

  const notQueued = problems.length;
  for (const f of failures) {
    const where = errorPlace(f.rule, f.line, 'script line');
    problems.push(`${f.username}: ${f.error}${where ? ` (${where})` : ''}`);
  }
  for (const p of problems) process.stderr.write(`  ${p}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // Written without a compiler to check it is not "deployed": the server may still refuse it.
  const written = unverified > 0 ? `, written but not verified ${unverified}` : '';
  process.stdout.write(`deployed ${final.done - unverified}${written}, failed ${final.failed + notQueued} of ${users.length} user(s) in ${seconds} s\n`);
  return problems.length > 0 ? EXIT_INPUT : EXIT_OK;
}
