// Shared pieces of the fuzz tests: a seed per run (printed on failure, fixed
// with SIEVEWRIGHT_FUZZ_SEED to replay one), text mutations of valid samples
// with hostile pieces, and a timing check that measures complexity blow-ups
// rather than machine noise (a slow input is timed again before it fails).
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';

export const FUZZ_RUNS = 10_000;

export function fuzzSeed(): number {
  const fixed = process.env.SIEVEWRIGHT_FUZZ_SEED;
  return fixed !== undefined && fixed !== '' ? Number(fixed) : (Date.now() ^ (process.pid << 8)) | 0;
}

/** Runs the property and, on failure, names the seed and how to replay it. */
export async function assertFuzz<T>(property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>, runs = FUZZ_RUNS): Promise<void> {
  const seed = fuzzSeed();
  try {
    await fc.assert(property as fc.IAsyncProperty<T>, { seed, numRuns: runs, endOnFailure: true });
  } catch (err) {
    throw new Error(`fuzz failed with seed ${seed} (replay: SIEVEWRIGHT_FUZZ_SEED=${seed})\n${(err as Error).message}`, { cause: err });
  }
}

/** Pieces that break parsers: delimiters, quoting, line ends, encodings, small nesting bombs. */
export const HOSTILE_PIECES = [
  '{', '}', '(', ')', '[', ']', '"', "'", '`', '\\', '\\"', '#', ';', ',', ':', '$', '${', '*', '?', '|', '!', '^', '/', '/*', '*/',
  '\n', '\r\n', '\r', '\t', ' ', '\u0000', '\u0001', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\uFEFF', '\uD800', '\uDC00',
  '\u00e9', '\u65e5\u672c', '\u{1F600}', 'text:\n', '\n.\n', 'text:', '.\r\n', '"\n', '\\\n',
  '__proto__', 'constructor', 'toString', 'NaN', '-1', '0', '99999999999999999999', '1e308', '-0',
  '{'.repeat(40), '}'.repeat(40), '('.repeat(40), ')'.repeat(40), '['.repeat(40), 'not '.repeat(40),
  ':0\n', ':0 c\n', '* ', '* !', 'INCLUDERC=', 'if ', 'elsif ', 'else ', 'anyof(', 'allof(', 'require "', 'rule "', 'when ', 'then ',
  'x'.repeat(300), '\\'.repeat(50), '"'.repeat(50), '\n'.repeat(50),
];

export type TextEdit = { at: number; cut: number; insert: string };

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...HOSTILE_PIECES), fc.integer({ min: 2, max: 30 })).map(([p, n]) => p.repeat(n)) },
);

/** Up to five edits: each cuts a few characters at a relative position and inserts a hostile piece (or a slice of the sample). */
export const arbEdits: fc.Arbitrary<TextEdit[]> = fc.array(
  fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), cut: fc.integer({ min: 0, max: 12 }), insert: fc.oneof(piece, fc.constant('')) }),
  { minLength: 1, maxLength: 5 },
) as fc.Arbitrary<TextEdit[]>;

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of edits) {
    const at = Math.min(out.length, Math.floor(e.at * (out.length + 1)));
    out = out.slice(0, at) + e.insert + out.slice(at + e.cut);
  }
  return out;
}

/** A sample mutated by edits; sometimes two samples spliced, sometimes a sample's slice repeated. */
export function arbMutatedText(samples: readonly string[]): fc.Arbitrary<string> {
  const sample = fc.constantFrom(...samples);
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(sample, arbEdits).map(([s, e]) => applyEdits(s, e)) },
    { weight: 1, arbitrary: fc.tuple(sample, sample, fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b, r]) => a.slice(0, Math.floor(r * a.length)) + b.slice(Math.floor(r * b.length))) },
    { weight: 1, arbitrary: fc.tuple(sample, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 2, max: 40 })).map(([s, r, n]) => {
      const at = Math.floor(r * s.length);
      return s.slice(0, at) + s.slice(at, at + 20).repeat(n) + s.slice(at);
    }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
}

export const SLOW_MS = 100;

/**
 * Runs `parse(input)` and returns its result; throws, printing the input,
 * when it takes over SLOW_MS twice in a row (the first time may be a
 * collection pause or another process on the machine).
 */
export function timed<T>(what: string, input: string, parse: (s: string) => T): T {
  let start = performance.now();
  let result = parse(input);
  let ms = performance.now() - start;
  if (ms > SLOW_MS) {
    start = performance.now();
    result = parse(input);
    ms = performance.now() - start;
    if (ms > SLOW_MS) throw new Error(`${what} took ${ms.toFixed(0)} ms (twice over ${SLOW_MS} ms) on this input (${input.length} characters):\n${JSON.stringify(input)}`);
  }
  return result;
}
