// `sievewright status [--user NAME]`: what is deployed per user, what is
// still pending, and why a deploy failed (with the script line when the
// server named one).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.js';
import { databasePath } from '../config/paths.js';
import { Outbox, type DeployStatus } from '../deploy/outbox.js';
import { openDatabase } from '../store/db.js';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE } from './command.js';

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

export async function run(args: string[]): Promise<number> {
  let values: { user?: string; json?: boolean; config?: string; db?: string; help?: boolean };
  try {
    values = parseArgs({
      args,
      options: { user: { type: 'string' }, json: { type: 'boolean' }, config: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`sievewright status: ${(err as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  let dbPath = values.db;
  if (dbPath === undefined) {
    try {
      const file = values.config ?? process.env.SIEVEWRIGHT_CONFIG;
      dbPath = databasePath(loadConfig({ ...(file ? { file } : {}), env: process.env }));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      process.stderr.write(`sievewright status: ${err.message}\n`);
      return EXIT_INPUT;
    }
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
