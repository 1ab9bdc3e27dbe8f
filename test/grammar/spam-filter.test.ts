// The built-in spam filter's place and shape in the script, its setting in
// the DSL, the validator and the Sieve importer. What it does to messages is
// proven by sieve-test on the spam-filter compile fixtures
// (compile-pigeonhole.test.ts) and by the real spamd and dovecot-lda in
// test/server/spam-delivery.test.ts.
import { describe, expect, test } from 'vitest';
import { PIGEONHOLE_CAPABILITIES } from '../../grammar/capabilities.js';
import { compileRuleSet } from '../../grammar/compile.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { emitSieve } from '../../grammar/emit/sieve.js';
import { spamScoreRegex } from '../../grammar/emit/sieve/spam-score.js';
import { importSieve } from '../../grammar/import/sieve.js';
import { emptyRuleSet, type Rule, type RuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { validateRuleSet } from '../../grammar/validate.js';

const STEP = '# sievewright:spam';

function withSettings(settings: Partial<RuleSet['settings']>, parts: Partial<RuleSet> = {}): RuleSet {
  const rs = emptyRuleSet();
  return { ...rs, ...parts, settings: { ...rs.settings, ...settings } };
}

function rule(name: string, extra: Partial<Rule> = {}): Rule {
  return { name, enabled: true, combine: 'all', conditions: [{ kind: 'subject', test: { match: 'contains', values: [name] } }], actions: [{ kind: 'keep' }], ...extra };
}

/** The step's `if` line and its block, as emitted. */
function stepOf(sieve: string): string[] {
  const lines = sieve.split('\n');
  const at = lines.indexOf(STEP);
  return at < 0 ? [] : lines.slice(at + 1, lines.indexOf('}', at) + 1);
}

describe('the emitted step', () => {
  test('the default settings alone file mail scored 5.0 or more into Junk with the filter keyword, and stop', () => {
    const out = emitSieve(emptyRuleSet());
    expect(out.diagnostics).toEqual([]);
    expect(out.sieve).toContain('require ["fileinto", "imap4flags", "regex"];');
    expect(stepOf(out.sieve)).toEqual([
      `if header :regex "X-Spam-Status" "${spamScoreRegex(5).replace(/\\/g, '\\\\')}" {`,
      '  addflag "$SievewrightJunk";',
      '  fileinto "Junk";',
      '  removeflag "$SievewrightJunk";',
      '  stop;',
      '}',
    ]);
  });

  test('the user\'s junk folder and threshold are the ones used', () => {
    const step = stepOf(emitSieve(withSettings({ junkFolder: 'Spam', threshold: 7.5 })).sieve);
    expect(step[0]).toContain(spamScoreRegex(7.5).replace(/\\/g, '\\\\'));
    expect(step).toContain('  fileinto "Spam";');
  });

  test('"spam filter off" emits no step and requires nothing for it', () => {
    expect(emitSieve(withSettings({ spamFilter: false })).sieve).not.toContain(STEP);
    expect(emitSieve(withSettings({ spamFilter: false })).sieve).not.toContain('require');
    expect(emitSieve(withSettings({ spamFilter: true })).sieve).toContain(STEP);
  });

  test('order: locked rules, whitelist verdict before them, blocklist, the step, then every other rule', () => {
    const rs = withSettings({}, {
      whitelist: [{ pattern: 'friend@example.org', authenticated: false }],
      blocklist: [{ pattern: '*@bad.example', action: 'discard' }],
      rules: [rule('Locked', { locked: true }), rule('Admin overridable'), rule('Mine'), rule('After', { placement: 'after' })],
    });
    const lines = emitSieve(rs).sieve.split('\n');
    const order = ['# sievewright:whitelist', '# rule:[Locked]', '# sievewright:blocklist', STEP, '# rule:[Admin overridable]', '# rule:[Mine]', '# rule:[After]'].map((l) => lines.indexOf(l));
    expect(order.every((n) => n >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('a whitelisted sender is exempt, remembered with variables and inline without', () => {
    const rs = withSettings({}, { whitelist: [{ pattern: 'friend@example.org', authenticated: false }] });
    expect(stepOf(emitSieve(rs).sieve)[0]).toMatch(/^if allof\(not string :is "\$\{sw_whitelisted\}" "1", header :regex "X-Spam-Status" /);
    const inline = emitSieve(rs, { capabilities: PIGEONHOLE_CAPABILITIES.filter((c) => c !== 'variables') });
    expect(stepOf(inline.sieve)[0]).toMatch(/^if allof\(not address :all :matches "from" "friend@example\.org", header :regex /);
  });

  test('a whitelist of plain entries needs no trusted authserv-id for the exemption', () => {
    const rs = withSettings({}, { whitelist: [{ pattern: 'friend@example.org', authenticated: false }] });
    expect(compileRuleSet(rs).diagnostics).toEqual([]);
  });

  test('a server without "regex" refuses the step by name; turned off, the rest compiles', () => {
    const caps = PIGEONHOLE_CAPABILITIES.filter((c) => c !== 'regex');
    const on = compileRuleSet(emptyRuleSet(), { capabilities: caps });
    expect(on.ok).toBe(false);
    expect(on.diagnostics).toEqual([expect.objectContaining({ code: 'unsupported_extension', message: expect.stringMatching(/^spam filter: .*"regex"/) })]);
    expect(compileRuleSet(withSettings({ spamFilter: false }), { capabilities: caps }).ok).toBe(true);
  });

  test('the site\'s spam header is read by the step and by spam score conditions alike', () => {
    const rs = withSettings({}, { rules: [{ ...rule('Scored'), conditions: [{ kind: 'spam-score', atLeast: 3 }] }] });
    const out = emitSieve(rs, { spamHeader: 'X-Local-Spam-Status' });
    expect(out.diagnostics).toEqual([]);
    expect(out.sieve.match(/header :regex "X-Local-Spam-Status"/g)).toHaveLength(2);
    expect(out.sieve).not.toContain('"X-Spam-Status"');
  });

  test('a spam header that is not a header name is an error', () => {
    const out = compileRuleSet(emptyRuleSet(), { spamHeader: 'X-Spam: Status' });
    expect(out.ok).toBe(false);
    expect(out.diagnostics).toEqual([expect.objectContaining({ code: 'bad_spam_header', severity: 'error' })]);
  });
});

describe('the setting in the DSL and the validator', () => {
  test('"spam filter off" and "on" read into the model and print back', () => {
    const off = parseRules('settings {\n  junk folder "Junk"\n  spam threshold 6.5\n  spam filter off\n}\n');
    expect(off.diagnostics).toEqual([]);
    expect(off.ruleSet?.settings).toEqual({ junkFolder: 'Junk', threshold: 6.5, spamFilter: false });
    expect(printRules(off.ruleSet!)).toBe('settings {\n  junk folder "Junk"\n  spam threshold 6.5\n  spam filter off\n}\n');
    expect(parseRules('settings { spam filter on }').ruleSet?.settings.spamFilter).toBe(true);
    expect(printRules(withSettings({ spamFilter: true }))).toContain('  spam filter on\n');
  });

  test('unwritten, the setting stays absent (on), so stored rule sets keep their text', () => {
    const rs = parseRules('settings { spam threshold 5.0 }').ruleSet!;
    expect('spamFilter' in rs.settings).toBe(false);
    expect(printRules(rs)).not.toContain('spam filter');
  });

  test('a value other than on/off is a syntax error with line, column and what was expected', () => {
    const { ruleSet, diagnostics } = parseRules('settings {\n  spam filter maybe\n}\n');
    expect(ruleSet).toBeNull();
    expect(diagnostics[0]).toMatchObject({ severity: 'error', start: { line: 2, column: 15 } });
    expect(diagnostics[0]!.message).toContain('on or off');
  });

  test('the setting given twice is an error at the second one', () => {
    const { diagnostics } = parseRules('settings {\n  spam filter off\n  spam filter on\n}\n');
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'duplicate_setting', start: expect.objectContaining({ line: 3 }) })]);
  });

  test('a stored value that is not a boolean is refused', () => {
    const rs = withSettings({ spamFilter: 'no' as unknown as boolean });
    expect(validateRuleSet(rs)).toEqual([expect.objectContaining({ code: 'bad_spam_filter', severity: 'error' })]);
  });
});

describe('reading a script back', () => {
  test('our own step reads back as the filter on, with its threshold and junk folder', () => {
    const rs = withSettings({ junkFolder: 'Spam', threshold: -1.5 }, { whitelist: [{ pattern: 'friend@example.org', authenticated: false }], rules: [rule('Mine')] });
    const script = compileRuleSet(rs).sieve;
    const back = importSieve(script);
    expect(back.ruleSet.settings).toEqual({ junkFolder: 'Spam', threshold: -1.5 });
    expect(back.report.filter((e) => e.kind === 'raw')).toEqual([]);
    expect(compileRuleSet(back.ruleSet).sieve).toBe(script);
  });

  test('our own script without the step reads back as the filter off', () => {
    const script = compileRuleSet(withSettings({ spamFilter: false }, { rules: [rule('Mine')] })).sieve;
    expect(importSieve(script).ruleSet.settings.spamFilter).toBe(false);
  });

  test('another program\'s script keeps its behaviour: the built-in filter is off', () => {
    const foreign = 'require "fileinto";\nif header :contains "subject" "x" { fileinto "X"; }\n';
    expect(importSieve(foreign).ruleSet.settings.spamFilter).toBe(false);
  });

  test('a look-alike written by hand is not taken for the step', () => {
    const script = compileRuleSet(emptyRuleSet()).sieve.replace('fileinto "Junk";', 'fileinto "Junk";\n  keep;');
    const back = importSieve(script);
    expect(back.ruleSet.settings.spamFilter).toBe(false);
    expect(back.ruleSet.rules).toEqual([expect.objectContaining({ kind: 'raw', sieve: expect.stringContaining('fileinto "Junk";\n  keep;') })]);
  });
});
