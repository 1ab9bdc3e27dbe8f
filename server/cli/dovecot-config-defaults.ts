// `sievewright dovecot-config defaults`: prints the Dovecot configuration that
// runs the global scripts of the admin's locked rules (sieve_before /
// sieve_after), for Dovecot 2.3 or 2.4; with --script, one of those scripts
// compiled from the current defaults, for setups where the administrator
// installs it by hand (e.g. next to a ManageSieve deploy).
import { formatDiagnostic } from '../../grammar/diagnostics.js';
import { databasePath, globalScriptPaths } from '../config/paths.js';
import { configForCommand } from '../config/cli.js';
import { globalScriptsConfig } from '../deploy/global-scripts-config.js';
import { compileGlobal } from '../services/deploy-source.js';
import { openDatabase } from '../store/db.js';
import { EXIT_INPUT, EXIT_OK, UsageError } from './command.js';
import { runCommandLine, stringOptions, type ParsedCommandLine } from './options.js';

const USAGE = `usage: sievewright dovecot-config defaults [options]

Prints the Dovecot settings that run the administrator's locked rules before
and after every user's own Sieve script (sieve_before / sieve_after).

  --dovecot 2.3|2.4     configuration syntax (default 2.3)
  --script before|after print that global script instead, compiled from the
                        current defaults in the database
  --config FILE         JSON config (default: $SIEVEWRIGHT_CONFIG); the script
                        paths are deploy.globalScripts.before / .after
  --db FILE             database (default: <server.dataDir>/sievewright.db)
`;

const OPTIONS = {
  dovecot: { type: 'string', default: '2.3' },
  ...stringOptions('script', 'config', 'db'),
} as const;

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'dovecot-config', usage: USAGE, options: OPTIONS }, args, defaultsConfig);
}

async function defaultsConfig({ values }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  const version = values.dovecot;
  if (version !== '2.3' && version !== '2.4') throw new UsageError(`--dovecot must be 2.3 or 2.4 (got ${JSON.stringify(version)})`);
  const script = values.script;
  if (script !== undefined && script !== 'before' && script !== 'after') throw new UsageError(`--script must be before or after (got ${JSON.stringify(script)})`);
  const config = configForCommand('dovecot-config', values.config);
  if (!config) return EXIT_INPUT;
  if (script === undefined) {
    try {
      process.stdout.write(globalScriptsConfig(version, globalScriptPaths(config)));
    } catch (err) {
      process.stderr.write(`sievewright dovecot-config: ${(err as Error).message}\n`);
      return EXIT_INPUT;
    }
    return EXIT_OK;
  }
  const db = openDatabase(values.db ?? databasePath(config));
  try {
    const compiled = compileGlobal(db, config)[script];
    for (const d of compiled.diagnostics) process.stderr.write(`${formatDiagnostic(d, '', `${script}.sieve`)}\n`);
    if (!compiled.ok) return EXIT_INPUT;
    process.stdout.write(compiled.sieve);
    return EXIT_OK;
  } finally {
    db.close();
  }
}
