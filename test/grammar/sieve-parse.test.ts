// The Sieve grammar: positions and comments are kept, broken scripts get a
// diagnostic at the right line:column, limits hold, and no input (random or
// a mutated real script) makes the parser throw.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { importSieve } from '../../grammar/import/sieve.js';
import { parseSieve } from '../../grammar/import/sieve-parse.js';

const dir = join(import.meta.dirname, '../fixtures/sieve');
const broken = readdirSync(join(dir, 'errors')).filter((f) => f.endsWith('.sieve')).sort();
const scripts = readdirSync(dir).filter((f) => f.endsWith('.sieve')).map((f) => readFileSync(join(dir, f), 'utf8'));

describe('syntax', () => {
  test('multi-line strings are dot-unstuffed and quoted strings unescaped', () => {
    const { value } = parseSieve('x text:\n.a\n..b\n.\n;\ny "a\\"b\\\\c\\d";\n');
    expect(value?.commands[0]?.arguments[0]).toMatchObject({ value: '.a\n.b\n', form: 'multiline' });
    expect(value?.commands[1]?.arguments[0]).toMatchObject({ value: 'a"b\\cd', form: 'quoted' });
  });

  test('numbers take K, M and G quantifiers', () => {
    const { value } = parseSieve('size :over 2K; size :over 3m; size :over 1G;');
    expect(value?.commands.map((c) => c.arguments[1])).toMatchObject([{ value: 2048 }, { value: 3 * 1024 * 1024 }, { value: 1024 ** 3 }]);
  });

  test('comments and spans are kept with line and column', () => {
    const { value } = parseSieve('# one\nif true /* two */ {\n  keep;\n}\n');
    expect(value?.comments.map((c) => [c.style, c.text, c.loc.start.line, c.loc.start.column])).toEqual([['hash', ' one', 1, 1], ['bracket', ' two ', 2, 9]]);
    expect(value?.commands[0]?.loc).toMatchObject({ start: { line: 2, column: 1 }, end: { line: 4, column: 2 } });
  });

  test.each(broken)('%s is reported at the expected line:column', (file) => {
    const expected = JSON.parse(readFileSync(join(dir, 'errors', file.replace(/\.sieve$/, '.expected.json')), 'utf8'));
    const { value, diagnostics } = parseSieve(readFileSync(join(dir, 'errors', file), 'utf8'));
    expect(value).toBeNull();
    expect(diagnostics[0]).toMatchObject({ code: 'syntax', severity: 'error', start: expected });
  });
});

describe('limits', () => {
  test('a script over the size limit is refused with a position', () => {
    expect(parseSieve('keep;'.repeat(100), { maxScriptBytes: 64 }).diagnostics[0]).toMatchObject({ code: 'script_too_large', start: { line: 1, column: 65 } });
  });

  test('blocks nested deeper than the limit are refused, not a stack overflow', () => {
    const deep = `${'if true {'.repeat(100_000)}${'}'.repeat(100_000)}`;
    expect(parseSieve(deep, { maxScriptBytes: 0 }).diagnostics[0]?.message).toMatch(/nested deeper than 32/);
  });

  test('tests nested deeper than the limit are refused, not a stack overflow', () => {
    expect(parseSieve(`if ${'not '.repeat(100_000)}true { keep; }`, { maxScriptBytes: 0 }).diagnostics[0]?.message).toMatch(/nested deeper than 32/);
  });

  test('a string list longer than the limit is refused', () => {
    expect(parseSieve('x ["a", "b", "c"];', { maxStringListLength: 2 }).diagnostics[0]?.message).toMatch(/at most 2/);
  });
});

describe('fuzzing', () => {
  const sieveAlphabet = fc.constantFrom(...'if{}()[];,:"\\# \n\r\t/*.text:0123KMGabcx_'.split(''), 'text:\n', '\n.\n', 'anyof', 'not ', '/*', '*/');

  function neverThrows(text: string): void {
    const result = importSieve(text);
    for (const d of result.diagnostics) expect(d.start, d.message).toBeDefined();
  }

  test('random scripts never crash the parser, and every error has a position', () => {
    fc.assert(fc.property(fc.array(sieveAlphabet, { maxLength: 80 }).map((a) => a.join('')), neverThrows), { numRuns: 1500 });
  });

  test('mutated fixture scripts never crash the importer, and every error has a position', () => {
    const mutation = fc.record({ script: fc.constantFrom(...scripts), at: fc.nat(), cut: fc.nat({ max: 8 }), insert: fc.array(sieveAlphabet, { maxLength: 4 }) });
    fc.assert(
      fc.property(mutation, ({ script, at, cut, insert }) => {
        const i = at % (script.length + 1);
        neverThrows(script.slice(0, i) + insert.join('') + script.slice(i + cut));
      }),
      { numRuns: 800 },
    );
  });
});
