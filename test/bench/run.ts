// `npm run bench [-- NAME ... [--OPTION VALUE ...]]`: runs every benchmark
// module in this folder (or the named ones) one after another and prints
// their tables; the options from the first `--` word on go to each module's
// run(). Each module measures sievewright beside the real reference tool in
// the same run.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const argv = process.argv.slice(2);
const firstOption = argv.findIndex((a) => a.startsWith('--'));
const wanted = firstOption < 0 ? argv : argv.slice(0, firstOption);
const options = firstOption < 0 ? [] : argv.slice(firstOption);
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : available) {
  const mod = (await import(`./${name}.ts`)) as { run?: (options: readonly string[]) => Promise<void> };
  if (typeof mod.run !== 'function') continue;
  console.log(`\n## ${name}\n`);
  const t0 = performance.now();
  await mod.run(options);
  console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
