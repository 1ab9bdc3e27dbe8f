// Child process of the sieve-parse benchmark: the peak memory of one parse,
// above this process's baseline. Run as
//   node --import tsx --expose-gc _parse-memory.ts sieve|dsl FILE
// Baseline: RSS and heap after a full GC with the input read. Peak: the
// process's maximum RSS after the parse (getrusage), minus the baseline RSS.
// Also the heap the result holds (after a GC, with the result alive).
import { readFileSync } from 'node:fs';
import { parseSieve } from '../../grammar/import/sieve-parse.js';
import { parseRules } from '../../grammar/parse-rules.js';

const [kind, file] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !file || (kind !== 'sieve' && kind !== 'dsl')) throw new Error('usage: node --import tsx --expose-gc _parse-memory.ts sieve|dsl FILE');
const text = readFileSync(file, 'utf8');
const parse = kind === 'sieve' ? () => parseSieve(text, { maxScriptBytes: 0 }).value : () => parseRules(text).ruleSet;

gc();
gc();
const baseRss = process.memoryUsage().rss;
const baseHeap = process.memoryUsage().heapUsed;
const result = parse();
const peakRss = process.resourceUsage().maxRSS * 1024;
gc();
gc();
const heldHeap = process.memoryUsage().heapUsed - baseHeap;
if (!result) throw new Error(`${file} does not parse`);
const bytes = Buffer.byteLength(text);
console.log(JSON.stringify({ bytes, peakAboveBaseline: peakRss - baseRss, resultHeap: heldHeap }));
