// What checking each script with the server's sievec costs the directory
// target: the same deploys (a compiled example rule set, one user at a
// time) with and without the compiler, in alternating turns so drift on a
// shared machine hits both sides.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRuleSet } from '../../grammar/compile.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { DirectoryTarget } from '../../server/deploy/directory-target.js';
import type { SievecOptions } from '../../server/deploy/sievec.js';
import { requireBinary } from '../support/programs.js';
import { sievecConfig } from '../support/pigeonhole.js';

const USERS = Number(process.env.BENCH_VERIFY_USERS ?? 100);
const TURNS = 5;

async function deployAll(root: string, verify: SievecOptions | null, turn: number): Promise<number> {
  const layout = { home: join(root, `t${turn}`, '%u'), sieveDir: 'sieve', activeLink: '.dovecot.sieve', prefsPath: '.spamassassin/user_prefs' };
  const target = new DirectoryTarget({ layout, scriptName: 'sievewright', takeOver: false, verify });
  const rules = parseRules(readFileSync(new URL('../fixtures/rules/all-conditions.rules', import.meta.url), 'utf8')).ruleSet;
  if (!rules) throw new Error('the example rules do not parse');
  const { sieve, prefs } = compileRuleSet(rules);
  const t0 = performance.now();
  for (let i = 0; i < USERS; i++) {
    const outcome = await target.deploy({ username: `u${i}`, version: 1, sieve, prefs });
    if (outcome.status !== (verify ? 'deployed' : 'unverified')) throw new Error(`unexpected outcome ${outcome.status}`);
  }
  return (performance.now() - t0) / USERS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'sw-bench-verify-'));
  try {
    const config = join(root, 'sievec.conf');
    await writeFile(config, sievecConfig());
    const sievec = { binary: requireBinary('sievec'), config };
    const checked: number[] = [];
    const unchecked: number[] = [];
    for (let turn = 0; turn < TURNS; turn++) {
      checked.push(await deployAll(root, sievec, turn * 2));
      unchecked.push(await deployAll(root, null, turn * 2 + 1));
    }
    console.log(`| directory target, ${USERS} users x ${TURNS} turns | ms per deploy (median of turns) |`);
    console.log('|---|---|');
    console.log(`| written, not verified | ${median(unchecked).toFixed(2)} |`);
    console.log(`| verified with sievec | ${median(checked).toFixed(2)} |`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
