// Subcommand dispatch. Each subcommand lives in its own module exporting
// `run(args): Promise<number>` and is loaded only when asked for, so
// `sievewright check` does not pay for Fastify or SQLite.
import { EXIT_USAGE, type Command } from './command.js';

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  compile: { summary: 'compile a rules file to Sieve and user_prefs', load: () => import('./compile.js') },
  check: { summary: 'check a rules file and print diagnostics', load: () => import('./check.js') },
  try: { summary: 'show what the rules do with messages', load: () => import('./try.js') },
  import: { summary: 'import an existing Sieve script into rules', load: () => import('./import.js') },
  migrate: { summary: 'convert procmailrc files to rules and Sieve', load: () => import('./migrate.js') },
  push: { summary: 'deploy users\' scripts through the outbox', load: () => import('./push.js') },
  status: { summary: 'show deploy status', load: () => import('./status.js') },
  serve: { summary: 'start the web server', load: () => import('./serve.js') },
  backup: { summary: 'write a consistent online backup of the database', load: () => import('./backup.js') },
  learn: { summary: 'run Junk-folder learning', load: () => import('./learn.js') },
  'dovecot-config': { summary: 'print tested Dovecot configuration snippets', load: () => import('./dovecot-config.js') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: sievewright <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`sievewright: unknown command '${name}'\n\n${usage()}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  try {
    return await command.run(rest);
  } catch (err) {
    // Errors never print a stack trace; set SIEVEWRIGHT_DEBUG=1 to see it.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`sievewright ${name}: ${message}\n`);
    if (process.env.SIEVEWRIGHT_DEBUG) console.error(err);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
