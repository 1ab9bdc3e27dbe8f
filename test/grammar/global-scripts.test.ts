// The locked admin rules compiled as Dovecot global scripts: what each script
// holds, that Pigeonhole's sievec accepts both, and the warning for a locked
// `stop` that cannot stop the user's script.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileGlobalScripts } from '../../grammar/global-scripts.js';
import { parseRules } from '../../grammar/parse-rules.js';
import type { RuleSet } from '../../grammar/model.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';

const ADMIN_DEFAULTS = readFileSync(new URL('../fixtures/rules/admin-defaults.rules', import.meta.url), 'utf8');

function rules(text: string): RuleSet {
  const { ruleSet, diagnostics } = parseRules(text);
  expect(diagnostics).toEqual([]);
  return ruleSet!;
}

let tools: PigeonholeTools;
beforeAll(async () => {
  tools = await pigeonhole();
});
afterAll(async () => {
  await tools?.cleanup();
});

describe('compileGlobalScripts', () => {
  test('the before-script holds the locked before-rules, the after-script the locked after-rules, and sievec accepts both', async () => {
    const g = compileGlobalScripts(rules(ADMIN_DEFAULTS));
    expect(g.before.lineMap.map((l) => l.name)).toEqual(['Forged mail to Junk', 'Virus flag']);
    expect(g.after.lineMap.map((l) => l.name)).toEqual(['Old newsletters']);
    expect(g.before.ok && g.after.ok).toBe(true);
    for (const script of [g.before.sieve, g.after.sieve]) {
      const r = await tools.sievec(script);
      expect(r.errors).toBe('');
      expect(r.ok).toBe(true);
    }
  });

  test('the locked DMARC rule files forged mail into Junk with the filter keyword, whatever the sender lists say', async () => {
    const defaults = rules(`${ADMIN_DEFAULTS}\nwhitelist {\n  "*@example.com"\n}\n`);
    const { before } = compileGlobalScripts(defaults);
    expect(before.sieve).not.toContain('example.com');
    const forged = 'From: boss@example.com\r\nAuthentication-Results: mx.example.org; dmarc=fail header.from=example.com\r\nSubject: x\r\n\r\nbody\r\n';
    const r = await tools.sieveTest(before.sieve, forged);
    expect(r.actions).toEqual([expect.objectContaining({ type: 'fileinto', folder: 'Junk' })]);
    expect(r.implicitKeep).toBe(false);
  });

  test('with no locked rules both scripts are empty but valid, and users keep every default', async () => {
    const g = compileGlobalScripts(rules('rule "Open" {\n  when always\n  then keep\n}\n'));
    expect(g.before.lineMap).toEqual([]);
    expect(g.after.lineMap).toEqual([]);
    expect((await tools.sievec(g.before.sieve)).ok).toBe(true);
  });

  test("a locked before-rule whose stop keeps the message is flagged where it is written: the user's rules still run after it", () => {
    const text =
      'rule "Junk" locked {\n  when subject contains "junk"\n  then fileinto "Junk"; stop\n}\nrule "Tag" locked {\n  when always\n  then keyword "$Tagged"; stop\n}\nrule "Late" locked after {\n  when always\n  then stop\n}\nrule "Open" {\n  when always\n  then keyword "$Open"; stop\n}\n';
    const { ruleSet, diagnostics } = parseRules(text);
    expect(diagnostics.map((d) => [d.code, d.severity, d.start?.line])).toEqual([['locked_stop_continues', 'warning', 5]]);
    expect(diagnostics[0]!.message).toMatch(/^rule "Tag": "stop" in a locked rule ends only the administrator's script/);
    const g = compileGlobalScripts(ruleSet!);
    expect(g.before.diagnostics.map((d) => d.code)).toEqual(['locked_stop_continues']);
    expect(g.before.ok).toBe(true);
    expect(g.after.diagnostics).toEqual([]);
  });
});
