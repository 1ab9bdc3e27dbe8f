// Config loading as every CLI command does it: `--config FILE` or
// SIEVEWRIGHT_CONFIG, plus SIEVEWRIGHT_* variables; mistakes are printed as
// one list under the command's name instead of thrown.
import { ConfigError, loadConfig } from './load.js';
import type { Config } from './schema.js';

export function configForCommand(command: string, configFlag: string | undefined): Config | null {
  const file = configFlag ?? process.env.SIEVEWRIGHT_CONFIG;
  try {
    return loadConfig({ ...(file ? { file } : {}), env: process.env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`sievewright ${command}: ${err.message}\n`);
    return null;
  }
}
