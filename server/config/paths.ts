// Where things live under the configured data directory.
import { join, resolve } from 'node:path';
import type { GlobalPlacement } from '../../grammar/global-scripts.js';
import type { Config } from './schema.js';

export function databasePath(config: Config): string {
  return join(config.server.dataDir, 'sievewright.db');
}

/** Absolute, as Dovecot's configuration needs them. */
export function globalScriptPaths(config: Config): Record<GlobalPlacement, string> {
  const { before, after } = config.deploy.globalScripts;
  const dir = join(config.server.dataDir, 'sieve-global');
  return { before: resolve(before ?? join(dir, 'before.sieve')), after: resolve(after ?? join(dir, 'after.sieve')) };
}
