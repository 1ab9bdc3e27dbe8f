// `sievewright learn`: Junk-folder learning from the command line — one pass
// (`--once`, for cron or a first test) or a watcher loop until SIGINT/SIGTERM;
// with IMAPSieve, `--events` stores and learns the moves its pipe helper
// spooled (no IMAP at all).
// Settings come from the config file (and SIEVEWRIGHT_* variables); the flags
// below override single settings and are validated the same way.
import { resolve as resolvePath } from 'node:path';
import { databasePath } from '../config/paths.js';
import { idleFromConfig, runnerFromConfig } from '../learning/configure.js';
import { watchSpool } from '../learning/spool.js';
import type { LearningRunner, RunReport } from '../learning/runner.js';
import { InvalidUsernameError, isValidUsername } from '../services/username.js';
import { openDatabase } from '../store/db.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { configForCommand } from '../config/cli.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';

const USAGE = `usage: sievewright learn --user NAME [--user NAME ...] [--once] [options]
       sievewright learn --events [--once] [options]

Reads each user's Junk folder (as the configured master user), teaches
SpamAssassin spam for messages the user moved in and ham for messages moved
out to a folder other than Trash, each exactly once.

  --once                      one pass per user, then exit (default: keep watching)
  --idle                      when watching, also hold IMAP IDLE connections (at most
                              learning.idleSessions at once) so moves are learned sooner
  --events                    with IMAPSieve (sievewright dovecot-config learning): no
                              IMAP; store the spooled moves, learn them, retry the rest
  --spool DIR                 the IMAPSieve spool (learning.spoolDir)
  --config FILE               JSON config (default: $SIEVEWRIGHT_CONFIG)
  --db FILE                   database (default: <server.dataDir>/sievewright.db)
  --imap HOST:PORT            IMAP server (mail.imap)
  --imap-tls MODE             none | starttls | implicit
  --master USER               master user (mail.masterUser.username)
  --master-password-file F    its password file
  --master-separator SEP      login as USER<SEP>MASTER; '' = SASL PLAIN authzid
  --via spamd|sa-learn        learner (learning.via)
  --spamd HOST:PORT           spamd with --allow-tell (learning.spamd)
  --sa-home PATTERN           sa-learn Bayes home per user, %u = user
  --junk NAME  --trash NAME   folder names
  --interval SECONDS          between passes when watching
  --timeout SECONDS           limit of one pass for one user
`;

const OPTIONS = {
  user: { type: 'string', multiple: true },
  once: { type: 'boolean' },
  idle: { type: 'boolean' },
  events: { type: 'boolean' },
  ...stringOptions('config', 'db', 'imap', 'imap-tls', 'master', 'master-password-file', 'master-separator'),
  ...stringOptions('via', 'spamd', 'sa-home', 'junk', 'trash', 'interval', 'timeout', 'spool'),
} as const;

type Values = ParsedCommandLine<typeof OPTIONS>['values'];

function hostPort(flag: string, v: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(v);
  if (!m) throw new UsageError(`${flag} expects HOST:PORT (got ${JSON.stringify(v)})`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** Flags as SIEVEWRIGHT_* overrides, so the config loader validates them like any setting. */
function flagEnv(v: Values): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (name: string, value: unknown) => {
    env[`SIEVEWRIGHT_${name}`] = typeof value === 'string' ? value : JSON.stringify(value);
  };
  if (v.imap !== undefined) set('MAIL__IMAP', { ...hostPort('--imap', v.imap), tls: v['imap-tls'] ?? 'none' });
  if (v.master !== undefined || v['master-password-file'] !== undefined) {
    if (v.master === undefined || v['master-password-file'] === undefined) throw new UsageError('--master and --master-password-file go together');
    set('MAIL__MASTER_USER', { username: v.master, passwordFile: v['master-password-file'] });
  }
  if (v['master-separator'] !== undefined) set('MAIL__MASTER_SEPARATOR', v['master-separator']);
  if (v.via !== undefined) set('LEARNING__VIA', v.via);
  if (v.spamd !== undefined) set('LEARNING__SPAMD', hostPort('--spamd', v.spamd));
  if (v['sa-home'] !== undefined) set('LEARNING__SA_LEARN_HOME', v['sa-home']);
  if (v.junk !== undefined) set('LEARNING__JUNK_FOLDER', v.junk);
  if (v.trash !== undefined) set('LEARNING__TRASH_FOLDER', v.trash);
  if (v.interval !== undefined) set('LEARNING__INTERVAL_SECONDS', v.interval);
  if (v.timeout !== undefined) set('LEARNING__RUN_TIMEOUT_SECONDS', v.timeout);
  if (v.spool !== undefined) set('LEARNING__SPOOL_DIR', v.spool);
  return env;
}

function formatReport(r: RunReport): string {
  const what = r.scan ? ` (${r.scan})` : '';
  const err = r.error ? `: ${r.error}` : '';
  return `${r.username}: ${r.outcome}${what}, ${r.created} new, ${r.learned} learned, ${r.failed} failed${err}`;
}

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'learn', usage: USAGE, options: OPTIONS }, args, learn);
}

async function learn({ values }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  const users = values.user ?? [];
  if (values.events && (users.length || values.idle)) throw new UsageError('--events learns every user\'s recorded moves: no --user or --idle');
  if (!users.length && !values.events) throw new UsageError('--user is required');
  const invalid = users.filter((u) => !isValidUsername(u));
  if (invalid.length) {
    for (const u of invalid) process.stderr.write(`sievewright learn: ${new InvalidUsernameError(u).message}\n`);
    return EXIT_INPUT;
  }

  const config = configForCommand('learn', values.config, flagEnv(values));
  if (!config) return EXIT_INPUT;

  const db = openDatabase(values.db ?? databasePath(config));
  const print = (r: RunReport) => (r.outcome === 'ok' ? process.stdout : process.stderr).write(`${formatReport(r)}\n`);
  try {
    let runner: LearningRunner;
    try {
      runner = runnerFromConfig(config, db, {
        ...(values.once ? {} : { onReport: print }),
        imap: !values.events,
        onSpoolRejected: (file, reason) => process.stderr.write(`sievewright learn: spooled move ${file} set aside in bad/: ${reason}\n`),
        onRoundError: (err) => process.stderr.write(`sievewright learn: ${err.message}\n`),
      });
    } catch (err) {
      process.stderr.write(`sievewright learn: ${(err as Error).message}\n`);
      return EXIT_INPUT;
    }
    if (values.once) {
      const reports = values.events ? await runner.runBacklog() : await runner.runAll(users);
      reports.forEach(print);
      return reports.every((r) => r.outcome === 'ok') ? EXIT_OK : EXIT_INPUT;
    }
    const idle = values.idle ? idleFromConfig(config, runner) : null;
    runner.start(() => users, config.learning.intervalSeconds * 1000, values.events ? 'backlog' : 'scan');
    // A spooled move is learned at once, not at the next interval.
    const spoolWatch = values.events ? watchSpool(resolvePath(config.learning.spoolDir), () => runner.wake()) : null;
    idle?.start(users);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    spoolWatch?.close();
    await idle?.stop();
    await runner.stop();
    return EXIT_OK;
  } finally {
    db.close();
  }
}
