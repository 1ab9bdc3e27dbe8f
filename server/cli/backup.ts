// `sievewright backup FILE [--config FILE]`: a consistent copy of the live
// database through SQLite's online backup API (safe while the server runs).
import { parseArgs } from 'node:util';
import { configForCommand } from '../config/cli.js';
import { databasePath } from '../config/paths.js';
import { backupDatabase } from '../store/backup.js';
import { openDatabase } from '../store/db.js';
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE } from './command.js';

const USAGE = 'usage: sievewright backup FILE [--config CONFIG]\n';

export async function run(args: string[]): Promise<number> {
  let target: string;
  let flag: string | undefined;
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string', short: 'c' } } });
    if (positionals.length !== 1) throw new Error('give exactly one backup file name');
    target = positionals[0]!;
    flag = values.config;
  } catch (err) {
    process.stderr.write(`sievewright backup: ${(err as Error).message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const config = configForCommand('backup', flag);
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
