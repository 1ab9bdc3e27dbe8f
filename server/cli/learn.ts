// `sievewright learn`: Junk-folder learning from the command line — one pass
// (`--once`, for cron or a first test) or a watcher loop until SIGINT/SIGTERM;
// with IMAPSieve, `--record` is the program each move is piped to and
// `--events` the service that retries what it could not learn at once.
// Settings come from the config file (and SIEVEWRIGHT_* variables); the flags
// below override single settings and are validated the same way.
import { databasePath } from '../config/paths.js';
import { idleFromConfig, learnerFromConfig, MAX_MESSAGE_BYTES, runnerFromConfig } from '../learning/configure.js';
import { looksLikeMessage } from '../learning/message-summary.js';
import { recordAndLearn } from '../learning/record.js';
import { LearningRepository } from '../store/learning-repository.js';
import type { Config } from '../config/schema.js';
import type { Db } from '../store/db.js';
import type { LearningRunner, RunReport } from '../learning/runner.js';
import { InvalidUsernameError, isValidUsername } from '../services/username.js';
import { openDatabase } from '../store/db.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { configForCommand } from '../config/cli.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';

const USAGE = `usage: sievewright learn --user NAME [--user NAME ...] [--once] [options]
       sievewright learn --events [--once] [options]
       sievewright learn --record spam|ham --user NAME [--mailbox NAME] [options] < message

Reads each user's Junk folder (as the configured master user), teaches
SpamAssassin spam for messages the user moved in and ham for messages moved
out to a folder other than Trash, each exactly once.

  --once                      one pass per user, then exit (default: keep watching)
  --idle                      when watching, also hold IMAP IDLE connections (at most
                              learning.idleSessions at once) so moves are learned sooner
  --events                    with IMAPSieve (sievewright dovecot-config learning):
                              no IMAP, learn only what --record could not learn at once
  --record spam|ham           record the move of the message on stdin (IMAPSieve's pipe),
                              then learn it; exit 0 recorded or a repeat, 1 bad input
  --mailbox NAME              with --record: the folder the message is in now
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
  ...stringOptions('record', 'mailbox'),
  ...stringOptions('config', 'db', 'imap', 'imap-tls', 'master', 'master-password-file', 'master-separator'),
  ...stringOptions('via', 'spamd', 'sa-home', 'junk', 'trash', 'interval', 'timeout'),
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

/** How long the pipe program may spend teaching before it leaves the move to the service: the user's MOVE waits for it. */
const RECORD_LEARN_TIMEOUT_MS = 5_000;

async function readStdin(limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function record(values: Values, config: Config, db: Db, direction: 'spam' | 'ham', username: string): Promise<number> {
  const raw = await readStdin(MAX_MESSAGE_BYTES);
  if (raw === null) {
    process.stderr.write(`sievewright learn: the message is larger than ${MAX_MESSAGE_BYTES} bytes: not recorded\n`);
    return EXIT_INPUT;
  }
  if (!looksLikeMessage(raw)) {
    process.stderr.write('sievewright learn: stdin holds no message (no header fields): not recorded\n');
    return EXIT_INPUT;
  }
  const move = { username, direction, junk: config.learning.junkFolder, mailbox: values.mailbox ?? null, raw };
  const r = await recordAndLearn(new LearningRepository(db), learnerFromConfig(config), move, RECORD_LEARN_TIMEOUT_MS);
  // Dovecot logs what a pipe program writes to stderr: only what needs a look.
  if (r.kind === 'recorded' && r.error) process.stderr.write(`sievewright learn: ${direction} for ${username} recorded, not learned yet: ${r.error}\n`);
  return EXIT_OK;
}

async function learn({ values }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  const users = values.user ?? [];
  const direction = values.record;
  if (direction !== undefined && direction !== 'spam' && direction !== 'ham') throw new UsageError(`--record takes spam or ham (got ${JSON.stringify(direction)})`);
  if (direction !== undefined && users.length !== 1) throw new UsageError('--record takes exactly one --user');
  if (values.mailbox !== undefined && direction === undefined) throw new UsageError('--mailbox goes with --record');
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
  if (direction !== undefined) {
    try {
      return await record(values, config, db, direction, users[0]!);
    } finally {
      db.close();
    }
  }
  const print = (r: RunReport) => (r.outcome === 'ok' ? process.stdout : process.stderr).write(`${formatReport(r)}\n`);
  try {
    let runner: LearningRunner;
    try {
      runner = runnerFromConfig(config, db, { ...(values.once ? {} : { onReport: print }), imap: !values.events });
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
    idle?.start(users);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await idle?.stop();
    await runner.stop();
    return EXIT_OK;
  } finally {
    db.close();
  }
}
