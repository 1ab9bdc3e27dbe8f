// `sievewright try`, run as the installed command (node server/cli/bin.js).
// Its tsv answers for every .eml fixture under the example rules
// are compared with what sieve-test does with the compiled script; the text
// form names the deciding rule; a raw block is answered as such; bad input
// and wrong usage get their exit codes without a stack trace.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { run, type RunResult } from '../support/programs.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';
import { sieveTestActionSet, sieveTestMany } from '../support/sieve-batch.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'server', 'cli', 'bin.js');
const rulesDir = join(root, 'test', 'fixtures', 'rules');
const emlDir = join(root, 'test', 'fixtures', 'eml');
const emls = readdirSync(emlDir).filter((f) => f.endsWith('.eml')).sort().map((f) => join(emlDir, f));
const example = join(rulesDir, 'issue-example.rules');
const eml = (name: string) => join(emlDir, name);
const RECIPIENT = 'user@example.org';

const cases = {
  tsv: ['try', example, ...emls, '--format', 'tsv', '--recipient', RECIPIENT],
  text: ['try', example, eml('list-dev.eml'), eml('spam-high.eml'), eml('blocked-offers.eml'), eml('plain.eml')],
  raw: ['try', join(rulesDir, 'raw-blocks.rules'), eml('plain.eml'), '--format', 'tsv'],
  rawText: ['try', join(rulesDir, 'raw-blocks.rules'), eml('plain.eml')],
  defaults: ['try', example, eml('dmarc-fail-trusted.eml'), '--defaults', join(rulesDir, 'admin-defaults.rules')],
  brokenRules: ['try', join(rulesDir, 'broken', 'several-errors.rules'), eml('plain.eml')],
  missingMessage: ['try', example, eml('plain.eml'), join(emlDir, 'missing.eml'), '--format', 'tsv'],
  noMessage: ['try', example],
  badFormat: ['try', example, eml('plain.eml'), '--format', 'json'],
} satisfies Record<string, string[]>;

const results = new Map<keyof typeof cases, RunResult>();
let tools: PigeonholeTools;

beforeAll(async () => {
  const jobs = Object.entries(cases).map(([name, args]) => async () => {
    results.set(name as keyof typeof cases, await run(process.execPath, [bin, ...args], { timeoutMs: 120_000 }));
  });
  const queue = [...jobs];
  const pool = Promise.all(Array.from({ length: 3 }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job();
  }));
  [tools] = await Promise.all([pigeonhole(), pool]);
}, 300_000);

afterAll(async () => {
  await tools?.cleanup();
});

function result(name: keyof typeof cases): RunResult {
  const r = results.get(name);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
}

function expectNoStackTrace(r: RunResult): void {
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
}

describe('sievewright try', () => {
  test('--format tsv answers for every fixture message what sieve-test does with the compiled rules', async () => {
    const r = result('tsv');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split('\t')[0])).toEqual(emls);
    const script = compileRuleSet(parseRules(readFileSync(example, 'utf8')).ruleSet!).sieve;
    const runs = emls.map((file) => {
      const message = readFileSync(file, 'utf8');
      const returnPath = /^Return-Path: <([^>]*)>/m.exec(message)?.[1];
      return { scripts: [script], message, recipient: RECIPIENT, ...(returnPath ? { envelopeFrom: returnPath } : {}) };
    });
    const server = (await sieveTestMany(tools, runs)).map(sieveTestActionSet);
    expect(lines.map((l) => l.split('\t')[1])).toEqual(server.map((s) => s.join(' ')));
    // The fixtures reach several outcomes, so the comparison says something.
    expect(new Set(server.map((s) => s.join(' '))).size).toBeGreaterThanOrEqual(3);
  });

  test('text names each action with the rule, condition or built-in step that decided it, and the implicit keep', () => {
    const r = result('text');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `${eml('list-dev.eml')}:`,
        '  fileinto "Lists/Dev"         rule "Lists", condition 1',
        `${eml('spam-high.eml')}:`,
        '  fileinto "Junk"              the spam filter',
        '  stop                         the spam filter',
        `${eml('blocked-offers.eml')}:`,
        '  discard                      blocklist entry "offers@spam.example"',
        '  stop                         blocklist entry "offers@spam.example"',
        `${eml('plain.eml')}:`,
        '  keep (implicit)              no action cancelled it',
        '',
      ].join('\n'),
    );
  });

  test('a message that reaches a raw block depends on raw Sieve: tsv says raw, text says which block', () => {
    expect(result('raw').stdout).toBe(`${eml('plain.eml')}\traw\n`);
    expect(result('rawText').stdout).toBe(`${eml('plain.eml')}:\n  depends on raw Sieve: raw block #2 decides the rest\n`);
  });

  test('--defaults runs the admin\'s locked rules around the user\'s', () => {
    const r = result('defaults');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  fileinto "Junk"              locked rule "Forged mail to Junk"\n');
  });

  test('rules with errors exit 1 with the diagnostics; an unreadable message exits 1 after the others are answered', () => {
    const broken = result('brokenRules');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(/several-errors\.rules:3:8: error: expected an action/);
    expectNoStackTrace(broken);
    const missing = result('missingMessage');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe(`${eml('plain.eml')}\tfolder:INBOX\n`);
    expect(missing.stderr).toBe(`sievewright try: cannot read ${join(emlDir, 'missing.eml')}: ENOENT\n`);
  });

  test.each(['noMessage', 'badFormat'] as const)('%s is a usage error with exit code 2', (name) => {
    const r = result(name);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: sievewright try RULES MSG...');
    expectNoStackTrace(r);
  });
});
