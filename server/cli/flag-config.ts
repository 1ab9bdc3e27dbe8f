// Config for the commands whose flags override single settings (learn,
// push): the flags arrive as SIEVEWRIGHT_* variables on top of the real
// environment, so the loader validates them like any setting and its message
// names the variable of the flag at fault.
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';

/** The config from `--config FILE` (or SIEVEWRIGHT_CONFIG) with `overrides`, or null once what is wrong was printed. */
export function configWithFlags(command: string, configFlag: string | undefined, overrides: Record<string, string>): Config | null {
  const file = configFlag ?? process.env.SIEVEWRIGHT_CONFIG;
  try {
    return loadConfig({ ...(file ? { file } : {}), env: { ...process.env, ...overrides } });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`sievewright ${command}: ${err.message}\n`);
    return null;
  }
}
