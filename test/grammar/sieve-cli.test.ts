// `sievewright import sieve`: report on stdout, DSL and re-emitted script
// written on request, exit codes 0 (imported), 1 (bad input), 2 (usage).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseRules } from '../../grammar/parse-rules.js';

const bin = join(import.meta.dirname, '../../server/cli/bin.js');
const fixture = join(import.meta.dirname, '../fixtures/sieve/roundcube-rules.sieve');

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'import', ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('sievewright import sieve', () => {
  test('prints what became rules and what stayed raw, and writes rules and script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-import-'));
    const r = await cli('sieve', fixture, '--rules', join(dir, 'out.rules'), '--sieve', join(dir, 'out.sieve'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 rule(s) imported, 1 block(s) kept raw');
    expect(r.stdout).toContain('kept raw "Newsletters" (lines 3-7): a flag set after the message was stored');
    expect(r.stdout).toContain('rule "Boss" (lines 9-13)');
    expect(parseRules(readFileSync(join(dir, 'out.rules'), 'utf8')).diagnostics).toEqual([]);
    expect(readFileSync(join(dir, 'out.sieve'), 'utf8')).toContain('# rule:[Boss]');
  });

  test('a syntax error exits 1 with line:column and a caret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-import-'));
    writeFileSync(join(dir, 'bad.sieve'), 'if true {\n  stop }\n');
    const r = await cli('sieve', join(dir, 'bad.sieve'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.sieve:2:8: error: .*\n\s+2 \|\s+stop }\n\s+\|\s+\^/);
  });

  test('a missing file exits 1 and a wrong invocation exits 2', async () => {
    const runs = await Promise.all([cli('sieve', '/nonexistent/x.sieve'), cli('procmailrc', fixture), cli('sieve')]);
    expect(runs.map((r) => r.code)).toEqual([1, 2, 2]);
  });
});
