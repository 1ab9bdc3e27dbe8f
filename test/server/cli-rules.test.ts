// `sievewright check` and `sievewright compile`, run as the installed command
// (node server/cli/bin.js) in separate processes. The processes are started
// a few at a time up front because each pays tsx's start-up; the tests then
// read their results. What the command writes, and every DSL fixture
// compiled the same way, is handed to the real sievec.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import type { RuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { run, type RunResult } from '../support/programs.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'server', 'cli', 'bin.js');
const fixtures = join(root, 'test', 'fixtures', 'rules');
const goodFiles = readdirSync(fixtures).filter((f) => f.endsWith('.rules')).sort();
const example = join(fixtures, 'issue-example.rules');
const broken = join(fixtures, 'broken', 'several-errors.rules');
const out = mkdtempSync(join(tmpdir(), 'sw-cli-rules-'));

const cases = {
  checkOk: { args: ['check', example] },
  checkBroken: { args: ['check', broken] },
  checkStdin: { args: ['check', '-'], input: 'rule "A" {\n  when always\n  then kep\n}\n' },
  checkNoFile: { args: ['check'] },
  checkTwoFiles: { args: ['check', example, example] },
  checkMissing: { args: ['check', join(out, 'missing.rules')] },
  compileFiles: { args: ['compile', example, '--sieve', join(out, 'a.sieve'), '--prefs', join(out, 'a.prefs')] },
  compileSa3Stdout: { args: ['compile', example, '--prefs', '-', '--sa-version', '3'] },
  compileBadSa: { args: ['compile', example, '--prefs', '-', '--sa-version', '5'] },
  compileNoOutput: { args: ['compile', example] },
  compileBothStdout: { args: ['compile', example, '--sieve', '-', '--prefs', '-'] },
  compileUnknownOption: { args: ['compile', example, '--sieve', '-', '--fast'] },
  compileMissingCapability: { args: ['compile', example, '--sieve', join(out, 'b.sieve'), '--capabilities', 'fileinto vacation imap4flags'] },
  compileBroken: { args: ['compile', broken, '--sieve', join(out, 'c.sieve')] },
  compileSpamHeader: { args: ['compile', example, '--sieve', '-', '--spam-header', 'X-Local-Spam-Status'] },
  compileBadSpamHeader: { args: ['compile', example, '--sieve', join(out, 'd.sieve'), '--spam-header', 'X-Spam: Status'] },
} satisfies Record<string, { args: string[]; input?: string }>;

type CaseName = keyof typeof cases;
const results = new Map<string, RunResult>();
let tools: PigeonholeTools;

function result(name: CaseName): RunResult {
  const r = results.get(name);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
}

const cli = (args: string[], input?: string): Promise<RunResult> =>
  run(process.execPath, [bin, ...args], { timeoutMs: 120_000, ...(input === undefined ? {} : { input }) });

/** Runs the jobs a few at a time: each process is mostly tsx start-up CPU. */
async function pool(jobs: Array<() => Promise<void>>, width: number): Promise<void> {
  const queue = [...jobs];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job();
  }));
}

beforeAll(async () => {
  const jobs = [
    ...Object.entries(cases).map(([name, c]) => async () => {
      results.set(name, await cli(c.args, 'input' in c ? c.input : undefined));
    }),
  ];
  [tools] = await Promise.all([pigeonhole(), pool(jobs, 3)]);
}, 300_000);

afterAll(async () => {
  await tools?.cleanup();
  rmSync(out, { recursive: true, force: true });
});

async function expectSievecAccepts(script: string): Promise<void> {
  const verdict = await tools.sievec(script);
  expect(verdict.errors).toBe('');
  expect(verdict.ok).toBe(true);
}

/** Whatever goes wrong, the user never sees a JavaScript stack trace. */
function expectNoStackTrace(r: RunResult): void {
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
}

describe('sievewright check', () => {
  test('a valid file exits 0 and says what it holds', () => {
    const r = result('checkOk');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${example}: ok, 3 rules, 2 whitelist entries, 1 blocklist entry\n`);
    expect(r.stderr).toBe('');
  });

  test('a broken file exits 1 and lists every error as FILE:LINE:COL with the line and a caret', () => {
    const r = result('checkBroken');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${broken}:3:8: error: expected an action, but found \`kep\`\n   3 |   then kep\n     |        ^^^\n`);
    expect(r.stderr).toContain(`${broken}:7:8: error: expected a condition, but found \`subjct\``);
    expect(r.stderr).toContain(`${broken}:13:8: error: rule "C": folder name is empty`);
    expect(r.stderr).toMatch(/several-errors\.rules: 3 errors\n$/);
    expectNoStackTrace(r);
  });

  test('a dash reads the rules from standard input', () => {
    const r = result('checkStdin');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('<stdin>:3:8: error: expected an action');
  });

  test.each(['checkNoFile', 'checkTwoFiles'] as const)('%s is a usage error with exit code 2', (name) => {
    const r = result(name);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: sievewright check RULES');
  });

  test('a file that does not exist is an input error with exit code 1 and no stack trace', () => {
    const r = result('checkMissing');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sievewright check: cannot read .*missing\.rules: ENOENT\n$/);
  });
});

describe('sievewright compile', () => {
  test('writes the Sieve script and the user_prefs to the given files', () => {
    expect(result('compileFiles').code).toBe(0);
    expect(readFileSync(join(out, 'a.sieve'), 'utf8')).toContain('# rule:[Forged mail to Junk]');
    expect(readFileSync(join(out, 'a.prefs'), 'utf8')).toMatch(/^welcomelist_from alice@example\.com$/m);
  });

  test('a dash writes to standard output, and --sa-version 3 uses the SpamAssassin 3 names', () => {
    const r = result('compileSa3Stdout');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^whitelist_from alice@example\.com$/m);
    expect(r.stdout).not.toContain('welcomelist');
  });

  test.each(['compileBadSa', 'compileNoOutput', 'compileBothStdout', 'compileUnknownOption'] as const)(
    '%s is a usage error with exit code 2',
    (name) => {
      const r = result(name);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('usage: sievewright compile RULES');
      expect(r.stdout).toBe('');
      expectNoStackTrace(r);
    },
  );

  test('a server without a needed extension is refused, naming the rule and the extension, and nothing is written', () => {
    const r = result('compileMissingCapability');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/: error: rule "Forged mail to Junk": needs the Sieve extension "regex", which the server does not offer\n/);
    expect(existsSync(join(out, 'b.sieve'))).toBe(false);
  });

  test('a file with errors exits 1 with the same diagnostics as check and writes nothing', () => {
    const r = result('compileBroken');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(result('checkBroken').stderr);
    expect(existsSync(join(out, 'c.sieve'))).toBe(false);
  });

  test('--spam-header names the header the spam filter and spam score rules read; a bad name is refused', () => {
    const r = result('compileSpamHeader');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('header :regex "X-Local-Spam-Status"');
    expect(r.stdout).not.toContain('"X-Spam-Status"');
    const bad = result('compileBadSpamHeader');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the spam status header "X-Spam: Status" is not a header name');
    expect(existsSync(join(out, 'd.sieve'))).toBe(false);
    expectNoStackTrace(bad);
  });

  test('the script it writes is accepted by sievec', async () => {
    expect(result('compileFiles').code).toBe(0);
    await expectSievecAccepts(readFileSync(join(out, 'a.sieve'), 'utf8'));
  });

  test.each(goodFiles)('%s compiles, and sievec accepts the script', async (file) => {
    const { ruleSet, diagnostics } = parseRules(readFileSync(join(fixtures, file), 'utf8'));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const compiled = compileRuleSet(ruleSet as RuleSet);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    await expectSievecAccepts(compiled.sieve);
  });
});
