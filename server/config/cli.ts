// Config loading as every CLI command does it: `--config FILE` or
// SIEVEWRIGHT_CONFIG, plus SIEVEWRIGHT_* variables; mistakes are printed as
// one list under the command's name instead of thrown. Commands whose flags
// override single settings (learn, push) pass them as SIEVEWRIGHT_* variables
// on top of the environment, so they are validated like any setting and a
// mistake names the variable of the flag at fault.
import { ConfigError, loadConfig } from './load.js';
import type { Config } from './schema.js';

export function configForCommand(command: string, configFlag: string | undefined, overrides: Record<string, string> = {}): Config | null {
  const file = configFlag ?? process.env.SIEVEWRIGHT_CONFIG;
  try {
    return loadConfig({ ...(file ? { file } : {}), env: { ...process.env, ...overrides } });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`sievewright ${command}: ${err.message}\n`);
    return null;
  }
}
