// Roundcube's managesieve parser (rcube_sieve_script, PHP) as a reference
// for the Sieve parse benchmark. Benchmark-only: Debian's roundcube-plugins
// (which brings roundcube-core) and php-cli; `npm test` never needs them.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary, run } from '../support/programs.js';

const CLASS_FILE = '/usr/share/roundcube/plugins/managesieve/lib/Roundcube/rcube_sieve_script.php';
const DRIVER = join(dirname(fileURLToPath(import.meta.url)), 'roundcube-sieve-parse.php');
const INSTALL = 'apt-get install -y php-cli roundcube-plugins';

/** The rules Roundcube's filter editor writes: a named rule per filter, two tests, file and stop. */
export function roundcubeScript(rules: number): string {
  const parts = ['require ["fileinto"];'];
  for (let i = 0; i < rules; i++) {
    parts.push(`# rule:[r${i}]\nif allof (header :contains "subject" "word${i}", address :is "from" "u${i}@example.com")\n{\n\tfileinto "Folder${i}";\n\tstop;\n}`);
  }
  return `${parts.join('\n')}\n`;
}

/** Wall and CPU times in ms of `reps` parses of `script` by rcube_sieve_script, in one PHP process. */
export async function roundcubeParseMs(script: string, reps: number, expectedRules: number): Promise<{ ms: number[]; cpuMs: number[] }> {
  let php: string;
  try {
    php = requireBinary('php');
  } catch {
    throw new Error(`the Sieve parse benchmark compares with Roundcube's PHP parser: ${INSTALL}`);
  }
  if (!existsSync(CLASS_FILE)) throw new Error(`Roundcube's ${CLASS_FILE} is missing: ${INSTALL}`);
  const dir = await mkdtemp(join(tmpdir(), 'sw-bench-roundcube-'));
  try {
    const file = join(dir, 'script.sieve');
    await writeFile(file, script);
    const r = await run(php, [DRIVER, CLASS_FILE, file, String(reps)], { timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`Roundcube's parser failed: ${r.stderr.slice(0, 500)}`);
    const out = JSON.parse(r.stdout) as { ms: number[]; cpuMs: number[]; rules: number };
    if (out.rules !== expectedRules) throw new Error(`Roundcube read ${out.rules} rules, not ${expectedRules}`);
    return { ms: out.ms, cpuMs: out.cpuMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
