// `sievewright import sieve`: report on stdout, DSL and re-emitted script
// written on request, exit codes 0 (imported), 1 (bad input), 2 (usage).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  test('every syntax error is listed, each at its line, as sievec lists them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-import-'));
    const script = 'require "fileinto";\nif header :is "subject" "a" {\n  keep,\n}\nif size :over 10K {\n  discard;\n}\nif exists "x-b" {\n  fileinto "B" ];\n}\n';
    writeFileSync(join(dir, 'bad.sieve'), script);
    const r = await cli('sieve', join(dir, 'bad.sieve'), '--rules', join(dir, 'out.rules'));
    expect(r.code).toBe(1);
    expect([...r.stderr.matchAll(/bad\.sieve:(\d+):\d+: error/g)].map((m) => Number(m[1]))).toEqual([3, 9]);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'out.rules'))).toBe(false);
  });

  test('an import that would not compile is reported at the lines of the input, says it was not imported, writes nothing and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-import-'));
    writeFileSync(join(dir, 'pipe.sieve'), 'require ["vnd.dovecot.pipe"];\n# tickets\nif header :contains "subject" "ticket" { pipe "tracker"; }\n');
    const r = await cli('sieve', join(dir, 'pipe.sieve'), '--rules', join(dir, 'out.rules'), '--sieve', join(dir, 'out.sieve'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'pipe.sieve')}:2:1: error:`);
    expect(r.stderr).toContain('"vnd.dovecot.pipe", which the server does not offer');
    expect(r.stderr).not.toContain('out.sieve');
    expect(r.stdout).not.toContain('imported,');
    expect(r.stdout).toContain('not imported');
    expect([existsSync(join(dir, 'out.rules')), existsSync(join(dir, 'out.sieve'))]).toEqual([false, false]);
  });

  test('--capabilities imports for a server that offers an extension outside the default list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-import-'));
    writeFileSync(join(dir, 'pipe.sieve'), 'require ["vnd.dovecot.pipe"];\nif header :contains "subject" "ticket" { pipe "tracker"; }\n');
    const r = await cli('sieve', join(dir, 'pipe.sieve'), '--capabilities', 'fileinto vnd.dovecot.pipe', '--sieve', join(dir, 'out.sieve'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 rule(s) imported, 1 block(s) kept raw');
    expect(readFileSync(join(dir, 'out.sieve'), 'utf8')).toContain('require ["vnd.dovecot.pipe"];');
    expect((await cli('sieve', join(dir, 'pipe.sieve'), '--capabilities', ' ')).code).toBe(2);
  });

  test('a rule filing into Junk is imported with a note that it gains the Junk keyword', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-import-'));
    writeFileSync(join(dir, 'junk.sieve'), 'require ["fileinto"];\nif header :contains "subject" "casino" { fileinto "Junk"; }\n');
    const r = await cli('sieve', join(dir, 'junk.sieve'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/junk\.sieve:2:1: info: rule "Rule at line 2" files into the Junk folder "Junk": .*\$SievewrightJunk/);
  });
});
