// Fuzzing every grammar with valid samples mutated by hostile pieces, at
// least 10,000 inputs each per run: no exception (only diagnostics), no
// parse over 100 ms, and every error diagnostic carries a line and column.
// The seed is printed on failure; SIEVEWRIGHT_FUZZ_SEED replays it.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { convertProcmail } from '../../grammar/import/procmail.js';
import { importSieve } from '../../grammar/import/sieve.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { arbRuleSet } from '../support/arbitraries.js';
import { arbMutatedText, assertFuzz, timed } from '../support/fuzz.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function samples(dir: string, ext: string): string[] {
  const full = join(FIXTURES, dir);
  return readdirSync(full).filter((f) => f.endsWith(ext)).sort().map((f) => readFileSync(join(full, f), 'utf8'));
}

/** Grammar errors point into the text: a 1-based line and column, on a line the text has. */
function unplaced(diagnostics: readonly Diagnostic[], text: string): Diagnostic[] {
  // Each grammar counts a line break its own way (CR alone too, or not), so any kind counts here.
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/).length;
  return diagnostics.filter(
    (d) => d.severity === 'error' && !(d.start && Number.isInteger(d.start.line) && Number.isInteger(d.start.column) && d.start.line >= 1 && d.start.column >= 1 && d.start.line <= lines),
  );
}

function fuzzGrammar(what: string, seeds: string[], parse: (s: string) => { diagnostics: Diagnostic[] }): Promise<void> {
  return assertFuzz(
    fc.property(arbMutatedText(seeds), (input) => {
      const { diagnostics } = timed(what, input, parse);
      const bad = unplaced(diagnostics, input);
      if (bad.length) throw new Error(`${what}: error without a position ${JSON.stringify(bad[0])} for input ${JSON.stringify(input)}`);
    }),
  );
}

// A few generated models printed as DSL widen the rules samples beyond the fixtures.
const printedModels = fc.sample(arbRuleSet, { numRuns: 20, seed: 1 }).map(printRules).filter((t) => t.length < 20_000);

// 10,000 parses each: seconds alone, longer on a busy machine.
const FUZZ_TIMEOUT = 300_000;

describe('fuzzing the grammars', () => {
  test('rules DSL: 10,000 mutated samples parse to a model or diagnostics with positions, each under 100 ms', async () => {
    const seeds = [...samples('rules', '.rules'), ...samples('rules/broken', '.rules'), ...samples('compile', '.rules'), ...printedModels];
    expect(seeds.length).toBeGreaterThan(20);
    await fuzzGrammar('parseRules', seeds, parseRules);
  }, FUZZ_TIMEOUT);

  test('Sieve: 10,000 mutated samples import to rules or diagnostics with positions, each under 100 ms', async () => {
    const seeds = [...samples('sieve', '.sieve'), ...samples('sieve/errors', '.sieve')];
    expect(seeds.length).toBeGreaterThan(15);
    await fuzzGrammar('importSieve', seeds, importSieve);
  }, FUZZ_TIMEOUT);

  test('procmail: 10,000 mutated samples convert to rules or diagnostics with positions, each under 100 ms', async () => {
    const seeds = samples('procmail/cases', '.procmailrc');
    expect(seeds.length).toBeGreaterThan(40);
    await fuzzGrammar('convertProcmail', seeds, (text) => convertProcmail(text, { folderMap: { constructor: 'Mapped' }, includes: { 'lists.rc': seeds[0]! } }));
  }, FUZZ_TIMEOUT);
});
