// `sievewright status [--user NAME]`: what is deployed per user (and
// whether the server's compiler checked it), what is still pending, and why
// a deploy failed or was rejected (with the rule and script line when the
// server named one).
import { configForCommand } from '../config/cli.js';
import { databasePath } from '../config/paths.js';
import { Outbox, type DeployStatus } from '../deploy/outbox.js';
import { errorPlace } from '../deploy/rejection.js';
import { openDatabase } from '../store/db.js';
import { EXIT_INPUT, EXIT_OK } from './command.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';

const USAGE = `usage: sievewright status [--user NAME] [--json] [--config FILE] [--db FILE]
`;

/** The last column: the error (first line) and where it is, else why the live script is unverified. */
function note(s: DeployStatus): string {
  if (s.error === null) return s.state === 'unverified' && s.unverifiedReason !== null ? `not verified: ${s.unverifiedReason}` : '';
  const where = errorPlace(s.errorRule, s.errorLine);
  return `${s.errorCode ?? 'error'}: ${s.error.split('\n')[0]}${where ? ` (${where})` : ''}`;
}

export function formatStatusTable(rows: readonly DeployStatus[]): string {
  const cells = rows.map((s) => [
    s.username,
    s.state,
    s.deployedVersion === null ? '-' : String(s.deployedVersion),
    s.pendingVersion === null ? '-' : String(s.pendingVersion),
    note(s),
  ]);
  const header = ['USER', 'STATE', 'DEPLOYED', 'PENDING', 'LAST ERROR'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [header, ...cells].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

const OPTIONS = { ...stringOptions('user', 'config', 'db'), json: { type: 'boolean' } } as const;

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'status', usage: USAGE, options: OPTIONS }, args, status);
}

async function status({ values }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  let dbPath = values.db;
  if (dbPath === undefined) {
    const config = configForCommand('status', values.config);
    if (!config) return EXIT_INPUT;
    dbPath = databasePath(config);
  }
  const db = openDatabase(dbPath);
  try {
    const outbox = new Outbox(db);
    const rows = values.user === undefined ? outbox.statusAll() : [outbox.status(values.user)];
    process.stdout.write(values.json ? `${JSON.stringify(rows, null, 2)}\n` : formatStatusTable(rows));
    return rows.some((r) => r.state === 'failed' || r.state === 'rejected') ? EXIT_INPUT : EXIT_OK;
  } finally {
    db.close();
  }
}
