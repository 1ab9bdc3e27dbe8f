#!/usr/bin/env node
// Bundles the server into one ES module for plain `node`:
//   node server/build/bundle.js [ENTRY.ts OUT.js]   (default: the CLI -> server/dist/main.js)
// Running the TypeScript through tsx costs a loader thread with its own V8
// heap (~40 MB of RSS, measured by `npm run bench -- http`); a served
// process should not pay that. npm packages stay external (resolved from
// node_modules at run time, native better-sqlite3 included); our own code
// and the generated parsers go into the bundle.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [entry = join(root, 'server', 'cli', 'main.ts'), outfile = join(root, 'server', 'dist', 'main.js')] = process.argv.slice(2);

try {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    // A map beside the bundle: `node --enable-source-maps` then reports TypeScript lines.
    sourcemap: 'linked',
    logLevel: 'warning',
  });
} catch {
  console.error(`bundle: ${entry} failed to bundle`);
  process.exit(1);
}
