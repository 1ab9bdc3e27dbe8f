// `sievewright status [--user NAME]`: what is deployed per user, what is
// still pending, and why a deploy failed (with the script line when the
// server named one).
import { configForCommand } from '../config/cli.js';
import { databasePath } from '../config/paths.js';
import { Outbox, type DeployStatus } from '../deploy/outbox.js';
import { openDatabase } from '../store/db.js';
import { EXIT_INPUT, EXIT_OK } from './command.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';

const USAGE = `usage: sievewright status [--user NAME] [--json] [--config FILE] [--db FILE]
`;

export function formatStatusTable(rows: readonly DeployStatus[]): string {
  const cells = rows.map((s) => [
    s.username,
    s.state,
    s.deployedVersion === null ? '-' : String(s.deployedVersion),
    s.pendingVersion === null ? '-' : String(s.pendingVersion),
    s.error === null ? '' : `${s.errorCode ?? 'error'}: ${s.error.split('\n')[0]}${s.errorLine === null ? '' : ` (line ${s.errorLine})`}`,
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
    return rows.some((r) => r.state === 'failed') ? EXIT_INPUT : EXIT_OK;
  } finally {
    db.close();
  }
}
