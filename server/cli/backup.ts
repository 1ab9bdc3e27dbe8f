// `sievewright backup FILE [--config FILE]`: a consistent copy of the live
// database through SQLite's online backup API (safe while the server runs).
import { configForCommand } from '../config/cli.js';
import { databasePath } from '../config/paths.js';
import { backupDatabase } from '../store/backup.js';
import { openDatabase } from '../store/db.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { runCommandLine, type ParsedCommandLine } from './options.js';

const USAGE = 'usage: sievewright backup FILE [--config CONFIG]\n';
const OPTIONS = { config: { type: 'string', short: 'c' } } as const;

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'backup', usage: USAGE, options: OPTIONS, positionals: true }, args, backup);
}

async function backup({ values, positionals }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('give exactly one backup file name');
  const target = positionals[0]!;
  const config = configForCommand('backup', values.config);
  if (!config) return EXIT_INPUT;
  const db = openDatabase(databasePath(config));
  try {
    const p = await backupDatabase(db, target);
    process.stdout.write(`backup written to ${target} (${p.totalPages} pages)\n`);
    return EXIT_OK;
  } catch (err) {
    process.stderr.write(`sievewright backup: ${(err as Error).message}\n`);
    return EXIT_INPUT;
  } finally {
    db.close();
  }
}
