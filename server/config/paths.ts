// Where things live under the configured data directory.
import { join } from 'node:path';
import type { Config } from './schema.js';

export function databasePath(config: Config): string {
  return join(config.server.dataDir, 'sievewright.db');
}
