// Every fixture rule set is compiled, accepted by the real sievec, and run by
// the real sieve-test on .eml messages with the actions its expectations list.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PIGEONHOLE_CAPABILITIES } from '../../grammar/capabilities.js';
import { compileRuleSet, type CompileResult } from '../../grammar/compile.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { outcome, type CompileFixture } from '../fixtures/compile/expectations.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const names = readdirSync(join(fixtures, 'compile'))
  .filter((f) => f.endsWith('.rules'))
  .map((f) => f.slice(0, -'.rules'.length))
  .sort();

/** Each fixture once as written, and once per variant without some extensions. */
const cases = names.flatMap((name) => {
  const fixture = JSON.parse(readFileSync(join(fixtures, 'compile', `${name}.expected.json`), 'utf8')) as CompileFixture;
  const caps = fixture.capabilities ?? PIGEONHOLE_CAPABILITIES;
  return [
    { name, label: name, fixture, caps },
    ...(fixture.variants ?? []).map((v) => ({
      name,
      label: `${name} without ${v.without.join(', ')}`,
      fixture,
      caps: caps.filter((c) => !v.without.includes(c)),
    })),
  ];
});

function compile(name: string, caps: readonly string[], spamHeader: string | undefined): CompileResult {
  const { ruleSet, diagnostics } = parseRules(readFileSync(join(fixtures, 'compile', `${name}.rules`), 'utf8'));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return compileRuleSet(ruleSet!, { capabilities: caps, ...(spamHeader !== undefined ? { spamHeader } : {}) });
}

let tools: PigeonholeTools;
beforeAll(async () => {
  tools = await pigeonhole();
});
afterAll(async () => {
  await tools.cleanup();
});

test('there are compile fixtures covering the issue scenarios', () => {
  expect(names).toEqual(expect.arrayContaining(['issue-example', 'conditions', 'actions', 'sender-lists', 'spam-filter', 'spam-filter-off', 'spam-filter-header']));
});

describe.each(cases)('fixture $label', ({ name, fixture, caps }) => {
  const compiled = compile(name, caps, fixture.spamHeader);

  test('compiles without errors and sievec accepts the script', async () => {
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(compiled.ok).toBe(true);
    const r = await tools.sievec(compiled.sieve);
    expect(r.errors).not.toMatch(/line \d+: error/);
    expect(r.ok).toBe(true);
  });

  test.each(fixture.runs.map((run) => [run.eml, run] as const))('sieve-test on %s takes exactly the expected actions', async (_eml, run) => {
    const message = readFileSync(join(fixtures, 'eml', run.eml), 'utf8');
    const r = await tools.sieveTest(compiled.sieve, message, {
      ...(run.envelopeFrom ? { envelopeFrom: run.envelopeFrom } : {}),
      ...(run.recipient ? { recipient: run.recipient } : {}),
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(outcome(r)).toEqual({ actions: run.actions, keep: run.keep });
  });
});
