// `sievewright check` and `compile` refuse what the mail server would refuse
// (a broken raw block, a missing extension, an empty value to match, a script
// over sieve_max_script_size) with exit 1 and a message naming the rule and
// its line, and report a sender both trusted and blocked without failing.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run, type RunResult } from '../support/programs.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'server', 'cli', 'bin.js');
const fixtures = join(root, 'test', 'fixtures', 'rules');
const out = mkdtempSync(join(tmpdir(), 'sw-cli-limits-'));
const unclosed = join(fixtures, 'broken', 'raw-unclosed-brace.rules');
const emptyValue = join(fixtures, 'broken', 'empty-match-value.rules');
const conflict = join(fixtures, 'limits', 'trusted-and-blocked.rules');
const away = join(fixtures, 'limits', 'away-raw.rules');
const big = join(out, 'big.rules');
writeFileSync(big, `rule "Small" {\n  when subject contains "a"\n  then keep\n}\n\nrule "Long list" {\n  when subject contains [${Array.from({ length: 300 }, (_, i) => `"word number ${i}"`).join(', ')}]\n  then fileinto "Junk"\n}\n`);

const cases = {
  unclosed: ['check', unclosed],
  emptyValue: ['check', emptyValue],
  conflict: ['check', conflict],
  bigDefault: ['check', big],
  bigSmallServer: ['check', big, '--max-script-size', '4K'],
  compileBig: ['compile', big, '--sieve', join(out, 'big.sieve'), '--max-script-size', '4k'],
  compileBadSize: ['compile', big, '--sieve', '-', '--max-script-size', 'lots'],
  compileNoVacation: ['compile', away, '--sieve', join(out, 'away.sieve'), '--capabilities', 'fileinto envelope'],
  compileVacation: ['compile', away, '--sieve', '-'],
} satisfies Record<string, string[]>;

const results = new Map<string, RunResult>();
const result = (name: keyof typeof cases): RunResult => results.get(name)!;

beforeAll(async () => {
  const queue = Object.entries(cases);
  // A few at a time: each process is mostly tsx start-up CPU.
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        results.set(next[0], await run(process.execPath, [bin, ...next[1]], { timeoutMs: 120_000 }));
      }
    }),
  );
}, 300_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('sievewright check', () => {
  test('a raw block with an unclosed "{" exits 1, pointing at the block and naming the line and column inside it', () => {
    const r = result('unclosed');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${unclosed}:6:1: error: raw block "Hand-written", line 3, column 1: a "{" is never closed: the text ends before its "}"\n   6 | raw "Hand-written"`);
  });

  test('an empty value to match exits 1, pointing at the condition of the named rule', () => {
    const r = result('emptyValue');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${emptyValue}:2:8: error: rule "New rule": a value to match is empty; type what to look for\n   2 |   when from contains ""`);
  });

  test('a sender both trusted and blocked is a warning at both entries; the file is still ok', () => {
    const r = result('conflict');
    expect(r.code).toBe(0);
    const message = 'trusted sender "*@shop.example" and blocked sender "offers@shop.example": mail from a trusted sender is never blocked, so this block does nothing';
    expect(r.stderr).toContain(`${conflict}:2:3: warning: ${message}`);
    expect(r.stderr).toContain(`${conflict}:6:3: warning: ${message}`);
    expect(r.stdout).toContain(': ok, 1 rule');
  });

  test('the script size is checked against --max-script-size (default 1M), naming the largest rules', () => {
    expect(result('bigDefault').code).toBe(0);
    const r = result('bigSmallServer');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: the Sieve script would be \d+ bytes, but the server accepts at most 4096 \(sieve_max_script_size\); the largest parts: rule "Long list" \(\d+ bytes\), rule "Small" \(\d+ bytes\)\n/);
  });
});

describe('sievewright compile', () => {
  test('a script over --max-script-size is refused and nothing is written', () => {
    const r = result('compileBig');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rule "Long list"');
    expect(existsSync(join(out, 'big.sieve'))).toBe(false);
  });

  test('a --max-script-size that is not a size is a usage error', () => {
    const r = result('compileBadSize');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-script-size must be a size such as 1M, 512K or 65536, not "lots"');
  });

  test('a raw block needing an extension the given capability list lacks is refused, naming the block', () => {
    const r = result('compileNoVacation');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${away}:1:1: error: raw block "Away": needs the Sieve extension "vacation", which the server does not offer`);
    expect(existsSync(join(out, 'away.sieve'))).toBe(false);
    const ok = result('compileVacation');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('vacation :days 7 "I am away until Monday.";');
  });
});
