// Sieve parsing benchmark: MB/s of the Peggy grammar (parse only, and the
// full import into the model) on a large generated script with thousands of
// rules, long string lists, comments and multi-line strings, beside
// Pigeonhole's sievec compiling the same file in the same run (with
// `sieve_max_script_size = 0`, since the file is over the 1 MiB default).
// Then the share of code lines the import keeps raw over the corpus of
// script shapes (test/fixtures/sieve/corpus), per shape and overall.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawShare } from '../../grammar/import/raw-share.js';
import { importSieve } from '../../grammar/import/sieve.js';
import { parseSieve } from '../../grammar/import/sieve-parse.js';
import { pigeonhole } from '../support/pigeonhole.js';

const RULES = Number(process.env.BENCH_SIEVE_RULES ?? 5000);
const REPS = 5;
const NO_LIMITS = { maxScriptBytes: 0 };

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
