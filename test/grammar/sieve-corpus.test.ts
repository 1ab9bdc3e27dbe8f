// Scripts in the shapes other projects write (Roundcube's `# rule:[name]`
// writer, the Thunderbird Sieve add-on, hand-written user scripts,
// Pigeonhole's examples; our own fixtures, written from their documented
// syntax): each one sievec accepts imports, re-emits to a script sievec
// accepts, and sieve-test takes the same actions on a probe message per
// header, address, envelope, exists and body test of the script.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import { hasErrors } from '../../grammar/diagnostics.js';
import { importSieve } from '../../grammar/import/sieve.js';
import { parseSieve } from '../../grammar/import/sieve-parse.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';
import { behaviour, probes } from '../support/sieve-probes.js';

const dir = join(import.meta.dirname, '../fixtures/sieve/corpus');
const scripts = readdirSync(dir).filter((f) => f.endsWith('.sieve')).sort();

let tools: PigeonholeTools;
beforeAll(async () => {
  tools = await pigeonhole();
});
afterAll(async () => {
  await tools?.cleanup();
});

describe('corpus of other projects\' script shapes', () => {
  test('every shape is there', () => {
    expect(new Set(scripts.map((f) => f.split('-')[0]))).toEqual(new Set(['pigeonhole', 'roundcube', 'thunderbird', 'user']));
  });

  test.each(scripts)('%s re-emits to a script sievec accepts, with the same actions on its probe messages', async (file) => {
    const input = readFileSync(join(dir, file), 'utf8');
    expect((await tools.sievec(input)).ok).toBe(true);
    const imported = importSieve(input);
    expect(hasErrors(imported.diagnostics)).toBe(false);
    const compiled = compileRuleSet(imported.ruleSet);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(await tools.sievec(compiled.sieve), `re-emitted script:\n${compiled.sieve}`).toMatchObject({ ok: true });
    const messages = probes(parseSieve(input).value!);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      const opts = { envelopeFrom: m.envelopeFrom, recipient: m.recipient };
      const [before, after] = await Promise.all([tools.sieveTest(input, m.text, opts), tools.sieveTest(compiled.sieve, m.text, opts)]);
      expect(before.exitCode, before.stderr).toBe(0);
      expect(behaviour(after), `probe for ${m.name}, re-emitted script:\n${compiled.sieve}`).toEqual(behaviour(before));
    }
  });
});
