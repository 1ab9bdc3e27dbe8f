#!/usr/bin/env node
// Compiles every grammar/*.peggy into grammar/generated/NAME.js (ES module)
// plus NAME.d.ts. Run by `npm run gen` (and by prepare/test/start), so the
// generated code is never committed and never stale. A grammar may carry
// peggy options (allowedStartRules, returnTypes) in grammar/NAME.peggy.json.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const grammarDir = join(root, 'grammar');
const outDir = join(grammarDir, 'generated');
mkdirSync(outDir, { recursive: true });
const peggy = join(root, 'node_modules', 'peggy', 'bin', 'peggy.js');

for (const file of readdirSync(grammarDir).filter((f) => f.endsWith('.peggy')).sort()) {
  const name = file.slice(0, -'.peggy'.length);
  const args = [peggy, '--format', 'es', '--dts', '-o', join(outDir, `${name}.js`)];
  const opts = join(grammarDir, `${file}.json`);
  if (existsSync(opts)) args.push('-c', opts);
  args.push(join(grammarDir, file));
  try {
    execFileSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    console.error(`gen-parsers: ${file} failed to compile`);
    process.exit(1);
  }
}
