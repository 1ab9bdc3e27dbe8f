import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatDiagnostic } from '../../grammar/diagnostics.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { parseRules, readRules } from '../../grammar/parse-rules.js';
import { arbRuleSet } from '../support/arbitraries.js';

interface Expected {
  line: number;
  column: number;
  code: string;
  /** A fragment the message must contain. */
  message: string;
}

const brokenDir = join(import.meta.dirname, '..', 'fixtures', 'rules', 'broken');
const brokenFiles = readdirSync(brokenDir).filter((f) => f.endsWith('.rules')).sort();

describe('broken rules files', () => {
  test('the corpus holds at least 15 files, each with its expectation', () => {
    expect(brokenFiles.length).toBeGreaterThanOrEqual(15);
    for (const f of brokenFiles) expect(readdirSync(brokenDir)).toContain(f.replace(/\.rules$/, '.expected.json'));
  });

  test.each(brokenFiles)('%s is refused with the expected line:column and message', (file) => {
    const text = readFileSync(join(brokenDir, file), 'utf8');
    const expected = JSON.parse(readFileSync(join(brokenDir, file.replace(/\.rules$/, '.expected.json')), 'utf8')) as Expected[];
    const { ruleSet, diagnostics } = parseRules(text);
    expect(ruleSet).toBeNull();
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => ({ line: d.start?.line, column: d.start?.column, code: d.code }))).toEqual(
      expected.map(({ line, column, code }) => ({ line, column, code })),
    );
    errors.forEach((d, i) => {
      expect(d.message).toContain(expected[i]?.message);
      const formatted = formatDiagnostic(d, text, file);
      expect(formatted.split('\n')[0]).toBe(`${file}:${d.start?.line}:${d.start?.column}: error: ${d.message}`);
      expect(formatted).toMatch(/\n {5}\| *\^+/);
    });
  });
});

describe('syntax error reporting', () => {
  test('an error in one rule does not hide errors in the rules after it', () => {
    const text = ['rule "A" {', '  when always', '  then kep', '}', 'rule "B" {', '  when nothing', '  then keep', '}', 'rule "C" {', '  when always', '  then keep', '}', ''].join('\n');
    const { diagnostics } = parseRules(text);
    expect(diagnostics.map((d) => `${d.start?.line}:${d.start?.column}`)).toEqual(['3:8', '6:8']);
  });

  test('messages name what was expected in words and quote what was found', () => {
    const { diagnostics } = parseRules('rule "A" {\n  when subject contians "x"\n  then keep\n}\n');
    expect(diagnostics[0]?.message).toBe('expected a match type (is, contains, matches or regex), but found `contians`');
    expect(diagnostics[0]?.end).toEqual({ line: 2, column: 24 });
  });

  test('an unclosed block before the next rule says which brace is missing', () => {
    const { diagnostics } = parseRules('rule "A" {\n  when always\n  then keep\n\nrule "B" {\n  when always\n  then keep\n}\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.notes).toEqual(['the block before this line is missing its closing "}"']);
  });

  test('after an unclosed block the next block is still read and checked', () => {
    const text = 'rule "A" {\n  when always\n  then keep\n\nrule "B" {\n  when always\n  then fileinto ""\n}\nrule "C" {\n  when nothing\n}\n';
    const { diagnostics } = parseRules(text);
    expect(diagnostics.map((d) => [d.code, d.start?.line, d.start?.column])).toEqual([
      ['syntax', 5, 1],
      ['empty_folder', 7, 8],
      ['syntax', 10, 8],
    ]);
  });

  test('columns count UTF-16 code units, as an editor cursor does', () => {
    // The emoji is two code units: a count by code points would say 31.
    const { diagnostics } = parseRules('rule "日本😀" { when always then kep }\n');
    expect(diagnostics[0]?.start).toEqual({ line: 1, column: 32 });
  });

  test('CRLF line endings parse like LF ones', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'rules', 'issue-example.rules'), 'utf8');
    expect(parseRules(text.replace(/\n/g, '\r\n'))).toStrictEqual(parseRules(text));
  });

  test('semantic errors point at the action, condition or entry they concern', () => {
    const text = 'whitelist {\n  "ok@example.com"\n  "bad pattern"\n}\nrule "A" {\n  when any of {\n    always\n    header "X Y" is "z"\n  }\n  then keep; redirect "nobody"\n}\n';
    const { diagnostics } = parseRules(text);
    expect(diagnostics.map((d) => [d.code, d.start?.line, d.start?.column])).toEqual([
      ['bad_pattern', 3, 3],
      ['bad_header_name', 8, 5],
      ['bad_address', 10, 14],
    ]);
  });

  test('warnings alone still give the rule set', () => {
    const { ruleSet, diagnostics } = parseRules('rule "A" {\n  when always\n  then stop; keep\n}\n');
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['after_stop', 'warning']]);
    expect(ruleSet?.rules).toHaveLength(1);
  });

  test('an empty text is the default rule set', () => {
    expect(parseRules('')).toEqual({
      ruleSet: { settings: { junkFolder: 'Junk', threshold: 5 }, whitelist: [], blocklist: [], rules: [] },
      diagnostics: [],
    });
  });
});

describe('hostile input', () => {
  test('after 25 syntax errors reading stops and says so', () => {
    const text = Array.from({ length: 40 }, (_, i) => `rule "R${i}" {\n  when nothing\n  then keep\n}\n`).join('');
    const { diagnostics } = parseRules(text);
    expect(diagnostics).toHaveLength(26);
    expect(diagnostics[24]?.start).toEqual({ line: 98, column: 8 });
    expect(diagnostics[25]).toMatchObject({ code: 'too_many_errors', message: 'stopped reading after 25 syntax errors' });
  });

  test('conditions nested thousands deep are an error, not a crash', () => {
    const depth = 20_000;
    const text = `rule "Deep" {\n  when ${'not '.repeat(depth)}always\n  then keep\n}\n`;
    const { ruleSet, diagnostics } = parseRules(text);
    expect(ruleSet).toBeNull();
    expect(diagnostics[0]?.message).toBe("conditions are nested too deeply to read (at most 32 levels are allowed)");
  });

  test('any text at all gives diagnostics with positions inside the text, never an exception', () => {
    const alphabet = fc.constantFrom(...'rule "when then{}[],;#\\\n\r\t abc-0123456789Kfrom is always keep raw | sieve'.split(' '), ' ', '\n', '{', '}', '"', '\\', '|');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(alphabet, { maxLength: 60 }).map((a) => a.join(''))), (text) => {
        const lines = text.split('\n');
        for (const d of parseRules(text).diagnostics) {
          if (!d.start) continue;
          expect(d.start.line).toBeGreaterThanOrEqual(1);
          expect(d.start.line).toBeLessThanOrEqual(lines.length);
          expect(d.start.column).toBeLessThanOrEqual((lines[d.start.line - 1]?.length ?? 0) + 1);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('a valid text with a line cut out still never throws, and its printed form reads back the same', () => {
    fc.assert(
      fc.property(arbRuleSet, fc.nat(), (rs, cut) => {
        const lines = printRules(rs).split('\n');
        lines.splice(cut % lines.length, 1);
        const { ruleSet } = readRules(lines.join('\n'));
        if (ruleSet) expect(readRules(printRules(ruleSet)).ruleSet).toStrictEqual(ruleSet);
      }),
      { numRuns: 200 },
    );
  });
});
