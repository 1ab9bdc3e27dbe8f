// `sievewright serve [--config FILE]`: loads and validates the config (file
// and SIEVEWRIGHT_* variables), opens the database and listens. With no
// config at all: the embedded default on 127.0.0.1:8080.
import { buildApp } from '../app.js';
import { configForCommand } from '../config/cli.js';
import type { FSWatcher } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { runnerFromConfig } from '../learning/configure.js';
import { watchSpool } from '../learning/spool.js';
import { listUsernames } from '../services/deploy-source.js';
import { EXIT_INPUT, EXIT_OK } from './command.js';
import { runCommandLine, type ParsedCommandLine } from './options.js';

const USAGE = 'usage: sievewright serve [--config FILE]   (or SIEVEWRIGHT_CONFIG=FILE; settings also as SIEVEWRIGHT_SERVER__PORT=... etc.)\n';

const OPTIONS = { config: { type: 'string', short: 'c' } } as const;

export function run(args: string[]): Promise<number> {
  return runCommandLine({ name: 'serve', usage: USAGE, options: OPTIONS }, args, serve);
}

async function serve({ values }: ParsedCommandLine<typeof OPTIONS>): Promise<number> {
  const config = configForCommand('serve', values.config);
  if (!config) return EXIT_INPUT;
  const app = await buildApp({ config, logger: { level: process.env.SIEVEWRIGHT_LOG_LEVEL ?? 'info' } });
  // Junk learning runs beside the web server when enabled; the CLI
  // `sievewright learn` runs the same passes on its own.
  const events = config.learning.source === 'imapsieve';
  const learning = config.learning.enabled ? runnerFromConfig(config, app.ctx.db, { imap: !events }) : null;
  let spoolWatch: FSWatcher | null = null;
  const stop = async (): Promise<void> => {
    spoolWatch?.close();
    await learning?.stop();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await app.listen({ host: config.server.host, port: config.server.port });
  if (learning) {
    learning.start(() => listUsernames(app.ctx.db), config.learning.intervalSeconds * 1000, events ? 'backlog' : 'scan');
    if (events) spoolWatch = watchSpool(resolvePath(config.learning.spoolDir), () => learning.wake());
    app.log.info(`junk learning: ${events ? 'IMAPSieve moves as they are spooled' : `every ${config.learning.intervalSeconds} s`} via ${config.learning.via}`);
  }
  // Keep running until a signal closes the app.
  await new Promise<void>((resolve) => app.server.once('close', () => resolve()));
  return EXIT_OK;
}
