// `--max-script-size`: the server's sieve_max_script_size, written the way
// Dovecot's configuration writes sizes (`1M`, `512k`, `65536`), 0 for none.
import { UsageError } from './command.js';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const SIZE = /^(\d+)\s*([kmg]?)b?$/i;

export const MAX_SCRIPT_SIZE_USAGE = '--max-script-size SIZE   the server\'s sieve_max_script_size (default 1M; e.g. 512K, 2M, 0 for no limit)';

/** The size in bytes, or a UsageError naming the flag. */
export function parseScriptSize(text: string): number {
  const m = SIZE.exec(text.trim());
  const bytes = m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`--max-script-size must be a size such as 1M, 512K or 65536, not "${text}"`);
  return bytes;
}
