// Sieve parsing benchmark, two parts.
// 1. Beside Roundcube's PHP parser (rcube_sieve_script), on the same
//    7,000-rule file in the shape Roundcube writes, in the same run: MB/s and
//    the speed ratio of our Sieve grammar (parse only), the whole import
//    (parse + model) and the rules DSL grammar on the same rules printed as
//    DSL. Then the peak memory of parsing a 1 MiB script, measured in a child
//    process (test/bench/_parse-memory.ts).
// 2. A script with thousands of rules of mixed shapes (long string lists,
//    comments, multi-line strings) beside Pigeonhole's sievec compiling the
//    same file (with `sieve_max_script_size = 0`, since the file is over the
//    1 MiB default).
// 3. The share of code lines the import keeps raw over the corpus of script
//    shapes (test/fixtures/sieve/corpus), per shape and overall.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printRules } from '../../grammar/emit/rules-text.js';
import { rawShare } from '../../grammar/import/raw-share.js';
import { importSieve } from '../../grammar/import/sieve.js';
import { parseSieve } from '../../grammar/import/sieve-parse.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { pigeonhole } from '../support/pigeonhole.js';
import { run as runProgram } from '../support/programs.js';
import { roundcubeParseMs, roundcubeScript } from './_roundcube.js';

const RULES = Number(process.env.BENCH_SIEVE_RULES ?? 5000);
const ROUNDCUBE_RULES = 7000;
const REPS = 5;
/** More samples against Roundcube: the shared machine's noise hits short runs hardest. */
const ROUNDCUBE_REPS = 11;
const NO_LIMITS = { maxScriptBytes: 0 };
const MIB = 1024 * 1024;

/** A script in the shapes real ones have: named rules, lists, comments, a vacation text. */
export function largeScript(rules = RULES): string {
  const parts = ['require ["fileinto", "imap4flags", "vacation", "body", "copy"];', '/* Generated for the parse benchmark.', ' * Thousands of rules follow. */'];
  const senders = Array.from({ length: 200 }, (_, i) => `"sender${i}@host${i % 13}.example.org"`).join(', ');
  parts.push(`# rule:[Friends]\nif address :is "from" [${senders}]\n{\n\tkeep;\n\tstop;\n}`);
  for (let i = 0; i < rules; i++) {
    const k = i % 4;
    parts.push(`# rule:[Rule ${i}] sorted by sender and subject`);
    if (k === 0) parts.push(`if allof (header :contains "subject" ["[project-${i}]", "Re: [project-${i}]"], not size :over 500K)\n{\n\tfileinto "Projects/P${i}";\n\tstop;\n}`);
    else if (k === 1) parts.push(`if anyof (address :domain :is "from" "vendor${i}.example.com", header :contains "list-id" "list${i}.example.org") {\n  addflag "\\\\Seen"; /* read it later */\n  fileinto :copy "Vendors";\n}`);
    else if (k === 2) parts.push(`if body :text :contains ["unsubscribe ${i}", "opt-out ${i}", "newsletter ${i}"] { fileinto "Bulk"; }`);
    else parts.push(`if header :is "x-ticket" "${i}" {\n  vacation :days 3 :subject "Ticket ${i}" text:\nThank you for ticket ${i}.\n..We reply soon.\n.\n;\n}`);
  }
  return `${parts.join('\n')}\n`;
}

function timeMs(fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(REPS / 2)]!;
}

interface Samples {
  min: number;
  median: number;
}

function stats(ms: number[]): Samples {
  const s = [...ms].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]! };
}

/** Wall and CPU (all threads, the garbage collector's included) times in ms of `reps` calls. */
function samples(reps: number, fn: () => unknown): { ms: number[]; cpuMs: number[] } {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  return { ms, cpuMs };
}

async function versusRoundcube(): Promise<void> {
  const script = roundcubeScript(ROUNDCUBE_RULES);
  const imported = importSieve(script, { limits: NO_LIMITS });
  if (imported.ruleSet.rules.length !== ROUNDCUBE_RULES) throw new Error('the Roundcube-shaped script does not import');
  const dsl = printRules(imported.ruleSet);
  if (parseRules(dsl).ruleSet?.rules.length !== ROUNDCUBE_RULES) throw new Error('the printed rules do not parse');

  const roundcube = await roundcubeParseMs(script, ROUNDCUBE_REPS, ROUNDCUBE_RULES);
  const parse = samples(ROUNDCUBE_REPS, () => parseSieve(script, NO_LIMITS));
  const full = samples(ROUNDCUBE_REPS, () => importSieve(script, { limits: NO_LIMITS }));
  const rules = samples(ROUNDCUBE_REPS, () => parseRules(dsl));

  const mb = (s: string) => Buffer.byteLength(s) / (1024 * 1024);
  const rate = (s: string, ms: number) => (mb(s) / (ms / 1000)).toFixed(2);
  console.log(`\nSieve parse beside Roundcube 1.6 (rcube_sieve_script, PHP): ${ROUNDCUBE_RULES} rules, Sieve ${mb(script).toFixed(2)} MB, DSL ${mb(dsl).toFixed(2)} MB, ${ROUNDCUBE_REPS} runs each`);
  const rows = [
    ['Roundcube rcube_sieve_script (Sieve)', script, roundcube, ''],
    ['sievewright Sieve grammar (parse only)', script, parse, '>= 3'],
    ['sievewright Sieve import (parse + model)', script, full, '>= 2'],
    ['sievewright rules DSL grammar (same rules)', dsl, rules, '>= 3'],
  ] as const;
  // Wall time is what a user waits; CPU time is steadier on a busy machine.
  for (const clock of ['ms', 'cpuMs'] as const) {
    const rc = stats(roundcube[clock]);
    console.log(`${clock === 'ms' ? 'wall' : 'CPU'} time`);
    console.log(`  ${'what'.padEnd(44)} ${'min ms'.padStart(8)} ${'med ms'.padStart(8)} ${'MB/s med'.padStart(9)} ${'x RC min'.padStart(9)} ${'x RC med'.padStart(9)}  target`);
    for (const [what, text, times, target] of rows) {
      const t = stats(times[clock]);
      // Speed relative to Roundcube on the same rules: its time over ours.
      const vsMin = (rc.min / t.min).toFixed(2);
      const vsMed = (rc.median / t.median).toFixed(2);
      console.log(`  ${what.padEnd(44)} ${t.min.toFixed(1).padStart(8)} ${t.median.toFixed(1).padStart(8)} ${rate(text, t.median).padStart(9)} ${vsMin.padStart(9)} ${vsMed.padStart(9)}  ${target}`);
    }
  }
}

/** Peak memory of parsing a 1 MiB script (and the same rules as DSL), each in a child process of its own (see _parse-memory.ts). */
async function parseMemory(): Promise<void> {
  const perRule = Buffer.byteLength(roundcubeScript(1000)) / 1000;
  const script = roundcubeScript(Math.ceil(MIB / perRule));
  const dsl = printRules(importSieve(script, { limits: NO_LIMITS }).ruleSet);
  const child = fileURLToPath(new URL('./_parse-memory.ts', import.meta.url));
  const dir = await mkdtemp(join(tmpdir(), 'sw-bench-memory-'));
  try {
    console.log('\nPeak memory of one parse, above the process baseline (child process; peak = max RSS after the parse - RSS after GC before it)');
    console.log(`${'what'.padEnd(30)} ${'input MiB'.padStart(10)} ${'peak MiB'.padStart(9)} ${'x input'.padStart(8)} ${'result heap MiB'.padStart(16)}  target`);
    for (const [kind, text] of [['sieve', script], ['dsl', dsl]] as const) {
      const file = join(dir, kind);
      await writeFile(file, text);
      const r = await runProgram(process.execPath, ['--import', 'tsx', '--expose-gc', child, kind, file], { timeoutMs: 300_000 });
      if (r.code !== 0) throw new Error(`the memory measurement failed: ${r.stderr.slice(0, 500)}`);
      const m = JSON.parse(r.stdout) as { bytes: number; peakAboveBaseline: number; resultHeap: number };
      const what = kind === 'sieve' ? 'Sieve grammar (parseSieve)' : 'rules DSL (parseRules)';
      console.log(
        `${what.padEnd(30)} ${(m.bytes / MIB).toFixed(2).padStart(10)} ${(m.peakAboveBaseline / MIB).toFixed(1).padStart(9)} ${(m.peakAboveBaseline / m.bytes).toFixed(1).padStart(8)} ${(m.resultHeap / MIB).toFixed(1).padStart(16)}  <= 5`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const CORPUS = join(import.meta.dirname, '../fixtures/sieve/corpus');

/** Code lines kept raw per corpus shape (the file name's first word) and overall. */
export function corpusRawShare(): Array<{ shape: string; rawLines: number; codeLines: number }> {
  const shapes = new Map<string, { rawLines: number; codeLines: number }>();
  for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.sieve')).sort()) {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const parsed = parseSieve(text);
    if (!parsed.value) throw new Error(`corpus script ${file} does not parse: ${parsed.diagnostics[0]?.message}`);
    const share = rawShare(text, parsed.value, importSieve(text).report);
    const shape = file.split('-')[0]!;
    const sum = shapes.get(shape) ?? { rawLines: 0, codeLines: 0 };
    shapes.set(shape, { rawLines: sum.rawLines + share.rawLines, codeLines: sum.codeLines + share.codeLines });
  }
  const rows = [...shapes].map(([shape, s]) => ({ shape, ...s }));
  const all = rows.reduce((a, r) => ({ shape: 'all', rawLines: a.rawLines + r.rawLines, codeLines: a.codeLines + r.codeLines }), { shape: 'all', rawLines: 0, codeLines: 0 });
  return [...rows, all];
}

export async function run(): Promise<void> {
  await versusRoundcube();
  await parseMemory();
  await versusSievec();
}

async function versusSievec(): Promise<void> {
  const script = largeScript();
  const mb = Buffer.byteLength(script) / (1024 * 1024);
  const parsed = parseSieve(script, NO_LIMITS);
  if (!parsed.value) throw new Error(`benchmark script does not parse: ${parsed.diagnostics[0]?.message}`);
  const parseMs = timeMs(() => parseSieve(script, NO_LIMITS));
  const importMs = timeMs(() => importSieve(script, { limits: NO_LIMITS }));

  const tools = await pigeonhole({ maxScriptSize: '0' });
  try {
    const sievecTimes: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const t0 = performance.now();
      const r = await tools.sievec(script);
      sievecTimes.push(performance.now() - t0);
      if (!r.ok) throw new Error(`sievec rejected the benchmark script: ${r.errors}`);
    }
    const sievecMs = sievecTimes.sort((a, b) => a - b)[Math.floor(REPS / 2)]!;
    const rows = [
      ['sievewright parse (grammar only)', parseMs],
      ['sievewright import (parse + model)', importMs],
      ['Pigeonhole sievec (process, compile, write .svbin)', sievecMs],
    ] as const;
    console.log(`\nSieve parse: ${RULES + 1} rules, ${mb.toFixed(2)} MB, median of ${REPS}`);
    console.log(`${'what'.padEnd(52)} ${'ms'.padStart(9)} ${'MB/s'.padStart(8)}`);
    for (const [what, ms] of rows) console.log(`${what.padEnd(52)} ${ms.toFixed(1).padStart(9)} ${(mb / (ms / 1000)).toFixed(2).padStart(8)}`);
    console.log('\nCode lines kept raw by the import, over test/fixtures/sieve/corpus');
    console.log(`${'shape'.padEnd(14)} ${'raw'.padStart(6)} ${'code'.padStart(6)} ${'share'.padStart(7)}`);
    for (const s of corpusRawShare()) {
      console.log(`${s.shape.padEnd(14)} ${String(s.rawLines).padStart(6)} ${String(s.codeLines).padStart(6)} ${`${((100 * s.rawLines) / s.codeLines).toFixed(1)}%`.padStart(7)}`);
    }
  } finally {
    await tools.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
