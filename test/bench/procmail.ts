// procmail migration over the shared corpus (97 real procmailrc files):
// parse only, and the whole conversion to the rule model plus Sieve
// compilation, total and slowest file (median of REPS runs; target: the
// whole corpus under 1 s). Beside it, Pigeonhole's sievec compiling the
// converted scripts, one process per file as a deploy would.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileRuleSet } from '../../grammar/compile.js';
import { parse } from '../../grammar/generated/procmail.js';
import { convertProcmail } from '../../grammar/import/procmail.js';
import { pigeonhole } from '../support/pigeonhole.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/procmail/', import.meta.url));
const REPS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeEach(texts: ReadonlyArray<{ name: string; text: string }>, fn: (text: string) => void): { total: number; max: number; slowest: string } {
  const totals: number[] = [];
  const perFile = new Map<string, number[]>();
  for (let rep = 0; rep < REPS; rep++) {
    const t0 = performance.now();
    for (const { name, text } of texts) {
      const t = performance.now();
      fn(text);
      const list = perFile.get(name) ?? [];
      list.push(performance.now() - t);
      perFile.set(name, list);
    }
    totals.push(performance.now() - t0);
  }
  let max = 0;
  let slowest = '';
  for (const [name, list] of perFile) {
    const m = median(list);
    if (m > max) [max, slowest] = [m, name];
  }
  return { total: median(totals), max, slowest };
}

export async function run(): Promise<void> {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.procmailrc')).sort();
  const texts = files.map((name) => ({ name, text: readFileSync(`${CORPUS}${name}`, 'utf8') }));
  const lines = texts.reduce((n, t) => n + t.text.split('\n').length, 0);
  for (const { text } of texts) compileRuleSet(convertProcmail(text).ruleSet); // warm up
  const parseOnly = timeEach(texts, (text) => parse(text));
  const convert = timeEach(texts, (text) => convertProcmail(text));
  const whole = timeEach(texts, (text) => compileRuleSet(convertProcmail(text).ruleSet));

  const tools = await pigeonhole();
  const scripts = texts.map(({ text }) => compileRuleSet(convertProcmail(text).ruleSet).sieve);
  const t0 = performance.now();
  let rejected = 0;
  for (const s of scripts) if (!(await tools.sievec(s)).ok) rejected++;
  const sievecTotal = performance.now() - t0;
  await tools.cleanup();

  const row = (what: string, total: number, max: string) => `| ${what.padEnd(52)} | ${total.toFixed(1).padStart(9)} | ${max.padEnd(26)} |`;
  console.log(`${files.length} files, ${lines} lines, median of ${REPS} runs`);
  console.log(`| ${'step'.padEnd(52)} | total ms  | ${'slowest file (ms)'.padEnd(26)} |`);
  console.log(`|${'-'.repeat(54)}|${'-'.repeat(11)}|${'-'.repeat(28)}|`);
  console.log(row('parse (procmail.peggy)', parseOnly.total, `${parseOnly.slowest} ${parseOnly.max.toFixed(1)}`));
  console.log(row('convert to rule model (incl. parse)', convert.total, `${convert.slowest} ${convert.max.toFixed(1)}`));
  console.log(row('convert + compileRuleSet (target < 1000 ms)', whole.total, `${whole.slowest} ${whole.max.toFixed(1)}`));
  console.log(row(`reference: sievec on the ${scripts.length} scripts (${rejected} rejected)`, sievecTotal, `${(sievecTotal / scripts.length).toFixed(1)} per file`));
}
