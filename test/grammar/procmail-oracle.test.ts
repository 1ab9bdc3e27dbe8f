// Differential proof of the procmail migration: every fixture procmailrc is
// run by real procmail and, converted, by Pigeonhole's sieve-test, on the
// messages its expectation file selects. Outcomes must agree; the only
// allowed disagreements are listed in the expectation with a reason, and
// only for files whose report admits a change (a fully exact file allows none).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import { convertProcmail } from '../../grammar/import/procmail.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';
import { formatOutcome, mapPool, procmailOracle, sameOutcome, sieveOutcome, type ProcmailOracle } from '../support/procmail-oracle.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/procmail/', import.meta.url));
const POOL = 4;

interface Expected {
  /** Message name prefixes (after the number) this case runs against. */
  messages: string[];
  recipes: Array<{ line: number; status: string }>;
  /** message file -> why procmail and Sieve disagree on it. */
  differences: Record<string, string>;
}

const messages = readdirSync(join(FIXTURES, 'messages'))
  .filter((f) => f.endsWith('.eml'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(FIXTURES, 'messages', name), 'utf8') }));

const cases = readdirSync(join(FIXTURES, 'cases'))
  .filter((f) => f.endsWith('.procmailrc'))
  .sort()
  .map((file) => {
    const name = file.replace(/\.procmailrc$/, '');
    const includeDir = join(FIXTURES, 'cases', `${name}.include`);
    const includes = existsSync(includeDir)
      ? Object.fromEntries(readdirSync(includeDir).map((f) => [f, readFileSync(join(includeDir, f), 'utf8')]))
      : {};
    return {
      name,
      rc: readFileSync(join(FIXTURES, 'cases', file), 'utf8'),
      includes,
      expected: JSON.parse(readFileSync(join(FIXTURES, 'cases', `${name}.expected.json`), 'utf8')) as Expected,
    };
  });

let oracle: ProcmailOracle;
let tools: PigeonholeTools;

beforeAll(async () => {
  [oracle, tools] = await Promise.all([procmailOracle(), pigeonhole()]);
});

afterAll(async () => {
  await Promise.all([oracle?.cleanup(), tools?.cleanup()]);
});

describe('the fixtures', () => {
  test('cover at least 40 procmailrc cases and 150 messages, every message used by some case', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(messages.length).toBeGreaterThanOrEqual(150);
    const used = new Set(cases.flatMap((c) => messages.filter((m) => c.expected.messages.some((p) => m.name.slice(4).startsWith(p))).map((m) => m.name)));
    expect(messages.filter((m) => !used.has(m.name)).map((m) => m.name)).toEqual([]);
  });
});

describe.each(cases)('$name', (c) => {
  const converterIncludes = Object.fromEntries(Object.entries(c.includes).map(([f, text]) => [`$HOME/${f}`, text]));
  const converted = convertProcmail(c.rc, { includes: converterIncludes });

  test('the report gives each recipe the expected status, with a reason for every non-exact one', () => {
    expect(converted.report.recipes.map((r) => ({ line: r.line, status: r.status }))).toEqual(c.expected.recipes);
    for (const r of converted.report.recipes) if (r.status !== 'exact') expect(r.reason, `line ${r.line}`).toBeTruthy();
  });

  test('real procmail and sieve-test on the converted script agree on every message, or the difference is documented', async () => {
    const compiled = compileRuleSet(converted.ruleSet);
    expect(compiled.diagnostics).toEqual([]);
    const selected = messages.filter((m) => c.expected.messages.some((p) => m.name.slice(4).startsWith(p)));
    expect(selected.length).toBeGreaterThan(0);
    const results = await mapPool(selected, POOL, async (m) => {
      const [procmail, sieve] = await Promise.all([oracle.run(c.rc, m.text, c.includes), tools.sieveTest(compiled.sieve, m.text)]);
      return { message: m.name, procmail, sieve: sieveOutcome(sieve) };
    });
    const differing = Object.fromEntries(
      results.filter((r) => !sameOutcome(r.procmail, r.sieve)).map((r) => [r.message, `procmail ${formatOutcome(r.procmail)} / sieve ${formatOutcome(r.sieve)}`]),
    );
    // Every disagreement is documented, and every documented one still happens.
    expect(Object.keys(differing).sort()).toEqual(Object.keys(c.expected.differences).sort());
    if (Object.keys(differing).length > 0) {
      expect(converted.report.fullyConverted && converted.report.notes.length === 0, 'a disagreement needs a reported change').toBe(false);
    }
  });
});
