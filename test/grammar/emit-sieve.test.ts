// The shape of the emitted script: requires, capability refusals, compact
// lists, disabled rules, the line map. Behaviour under the real Pigeonhole
// is proven in compile-pigeonhole.test.ts and emit-sieve-injection.test.ts;
// the line map is checked against sievec's own error lines here.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PIGEONHOLE_CAPABILITIES } from '../../grammar/capabilities.js';
import { compileRuleSet } from '../../grammar/compile.js';
import { emitSieve } from '../../grammar/emit/sieve.js';
import { emptyRuleSet, type Action, type Condition, type RawBlock, type Rule, type RuleSet } from '../../grammar/model.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';

function rule(name: string, conditions: Condition[], actions: Action[], extra: Partial<Rule> = {}): Rule {
  return { name, enabled: true, combine: 'all', conditions, actions, ...extra };
}

/** The built-in spam filter is off unless a test turns it on, so each test sees only the part it is about. */
function ruleSet(parts: Partial<RuleSet>): RuleSet {
  const rs = emptyRuleSet();
  return { ...rs, ...parts, settings: { ...rs.settings, trustedAuthservId: 'mx.example.org', spamFilter: false, ...parts.settings } };
}

const subjectIs = (value: string): Condition => ({ kind: 'subject', test: { match: 'is', values: [value] } });
const dmarcFail: Condition = { kind: 'auth', method: 'dmarc', result: 'fail' };
const toJunk: Action[] = [{ kind: 'fileinto', folder: 'Junk' }, { kind: 'stop' }];

function requireLine(sieve: string): string | undefined {
  return sieve.split('\n').find((l) => l.startsWith('require'));
}

function without(...exts: string[]): string[] {
  return PIGEONHOLE_CAPABILITIES.filter((c) => !exts.includes(c));
}

describe('require', () => {
  test('an empty rule set with the spam filter off requires nothing', () => {
    expect(requireLine(emitSieve(ruleSet({})).sieve)).toBeUndefined();
  });

  test('only the extensions the rules use are required', () => {
    const out = emitSieve(ruleSet({ rules: [rule('A', [subjectIs('x')], [{ kind: 'fileinto', folder: 'A', copy: true }])] }));
    expect(requireLine(out.sieve)).toBe('require ["copy", "fileinto"];');
  });

  test('a disabled rule needs the extensions of its commands, not of its test', () => {
    const body: Condition = { kind: 'body', test: { match: 'regex', values: ['x+'] } };
    const out = emitSieve(ruleSet({ rules: [rule('Off', [body], [{ kind: 'flag' }], { enabled: false })] }));
    expect(requireLine(out.sieve)).toBe('require ["imap4flags"];');
    expect(out.sieve).toContain('if false # body :text :regex "x+"\n{');
  });

  test('a raw block brings its own requires', () => {
    const raw: RawBlock = { kind: 'raw', name: 'Imported', sieve: 'if header :contains "x" "y" {\n  notify "mailto:a@example.org";\n}', requires: ['enotify'], enabled: true };
    const out = emitSieve(ruleSet({ rules: [raw] }));
    expect(requireLine(out.sieve)).toBe('require ["enotify"];');
    expect(out.sieve).toContain(raw.sieve);
  });
});

describe('capabilities', () => {
  test('a rule the server cannot run is refused, naming the rule and the extension', () => {
    const r = rule('Regex rule', [{ kind: 'subject', test: { match: 'regex', values: ['^a'] } }], [{ kind: 'keep' }]);
    const result = compileRuleSet(ruleSet({ rules: [r] }), { capabilities: without('regex') });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'unsupported_extension', severity: 'error', message: expect.stringMatching(/rule "Regex rule".*"regex"/) }),
    ]);
  });

  test('the capability list is compared case-insensitively', () => {
    const r = rule('Files', [subjectIs('x')], [{ kind: 'fileinto', folder: 'A' }]);
    expect(compileRuleSet(ruleSet({ rules: [r] }), { capabilities: ['FileInto'] }).ok).toBe(true);
  });

  test('without imap4flags, Junk deliveries carry no keyword and a warning says so', () => {
    const out = emitSieve(ruleSet({ rules: [rule('Junk', [subjectIs('x')], toJunk)] }), { capabilities: without('imap4flags') });
    expect(out.sieve).not.toContain('addflag');
    expect(out.diagnostics).toEqual([expect.objectContaining({ code: 'no_junk_keyword', severity: 'warning' })]);
  });

  test('an auth condition without a trusted authserv-id is an error', () => {
    const rs = ruleSet({ rules: [rule('Forged', [dmarcFail], toJunk)] });
    delete rs.settings.trustedAuthservId;
    const result = compileRuleSet(rs);
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'no_trusted_authserv_id', message: expect.stringContaining('rule "Forged"') })]);
  });
});

describe('sender lists', () => {
  const whitelist = Array.from({ length: 1000 }, (_, i) => ({ pattern: `sender${i}@example${i % 7}.org`, authenticated: i % 2 === 0 }));
  const blocklist = Array.from({ length: 300 }, (_, i) => ({ pattern: `*@spam${i}.example`, action: (['junk', 'discard', 'reject'] as const)[i % 3]! }));

  test('1,000 whitelist entries are one test, and the blocklist one test per action', () => {
    const out = emitSieve(ruleSet({ whitelist, blocklist, rules: [rule('Forged', [dmarcFail], toJunk)] }));
    const ifs = out.sieve.split('\n').filter((l) => /^\s*if /.test(l));
    expect(ifs).toHaveLength(1 + 3 + 1);
    expect(out.sieve.match(/set "sw_whitelisted" "1"/g)).toHaveLength(1);
    // one address test for the plain entries, one per domain for the authenticated ones
    expect(ifs[0]!.match(/address :all :matches "from"/g)).toHaveLength(1 + 7);
  });

  test('without variables the whitelist test is written inline where it exempts', () => {
    const out = emitSieve(ruleSet({ whitelist: whitelist.slice(0, 3), blocklist: blocklist.slice(0, 1), rules: [rule('Forged', [dmarcFail], toJunk)] }), {
      capabilities: without('variables'),
    });
    expect(requireLine(out.sieve)).not.toContain('variables');
    expect(out.sieve.match(/if allof\(not anyof\(address :all :matches "from"/g)).toHaveLength(2);
  });

  test('authenticated entries without a trusted authserv-id are an error, since nothing could prove the pass', () => {
    const rs = ruleSet({ whitelist: [{ pattern: '*@bank.example', authenticated: true }], blocklist: blocklist.slice(0, 1) });
    delete rs.settings.trustedAuthservId;
    expect(compileRuleSet(rs).diagnostics).toEqual([expect.objectContaining({ code: 'no_trusted_authserv_id', message: expect.stringContaining('whitelist') })]);
  });

  test('a whitelist with nothing to exempt emits no Sieve (SpamAssassin handles it)', () => {
    const out = emitSieve(ruleSet({ whitelist, rules: [rule('Lists', [subjectIs('x')], [{ kind: 'keep' }])] }));
    expect(out.sieve).not.toContain('sw_whitelisted');
  });

  test('locked rules are not exempted and come before the blocklist', () => {
    const out = emitSieve(
      ruleSet({ whitelist: whitelist.slice(0, 1), blocklist: blocklist.slice(0, 1), rules: [rule('Locked', [dmarcFail], toJunk, { locked: true }), rule('Open', [dmarcFail], toJunk)] }),
    );
    const lines = out.sieve.split('\n');
    const locked = lines.indexOf('# rule:[Locked]');
    expect(lines[locked + 1]).toMatch(/^if header :regex/);
    expect(lines.indexOf('# sievewright:blocklist')).toBeGreaterThan(locked);
    expect(lines[lines.indexOf('# rule:[Open]') + 1]).toMatch(/^if allof\(not string :is "\$\{sw_whitelisted\}" "1", header :regex/);
  });
});

describe('strings Sieve cannot carry', () => {
  test('a NUL in a folder name fails the compile and never reaches the script', () => {
    const result = compileRuleSet(ruleSet({ rules: [rule('Nul', [subjectIs('x')], [{ kind: 'fileinto', folder: 'a\u0000b' }])] }));
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('folder name') })]);
    expect(result.sieve).not.toContain('\u0000');
    expect(result.sieve).toContain('fileinto "a\uFFFDb";');
  });
});

describe('rule comments', () => {
  test('a rule name cannot end its comment line', () => {
    const out = emitSieve(ruleSet({ rules: [rule('evil\n discard;\r\n#', [subjectIs('x')], [{ kind: 'keep' }])] }));
    expect(out.sieve).toContain('# rule:[evil  discard;  #]\n');
    expect(out.sieve).not.toMatch(/^\s*discard;/m);
  });

  test('a disabled rule whose test spans lines keeps every line commented', () => {
    const out = emitSieve(ruleSet({ rules: [rule('Off', [subjectIs('a\nb')], [{ kind: 'keep' }], { enabled: false })] }));
    expect(out.sieve).toContain('if false # header :is "subject" "a\n# b"\n{');
  });
});

describe('line map', () => {
  let tools: PigeonholeTools;
  beforeAll(async () => {
    tools = await pigeonhole();
  });
  afterAll(async () => {
    await tools.cleanup();
  });

  test('each rule maps to the lines from its comment to its closing brace', () => {
    const rules = [rule('One', [subjectIs('x')], [{ kind: 'keep' }]), rule('Two', [subjectIs('y')], [{ kind: 'discard' }, { kind: 'stop' }])];
    const out = emitSieve(ruleSet({ whitelist: [{ pattern: 'a@example.org', authenticated: false }], blocklist: [{ pattern: 'b@example.org', action: 'junk' }], rules }));
    const lines = out.sieve.split('\n');
    expect(out.lineMap.map((e) => [e.ruleIndex, e.name])).toEqual([[0, 'One'], [1, 'Two']]);
    for (const e of out.lineMap) {
      expect(lines[e.startLine - 1]).toBe(`# rule:[${e.name}]`);
      expect(lines[e.endLine - 1]).toBe('}');
    }
  });

  test("sievec's error line maps back to the rule that caused it", async () => {
    // A redirect address validateRuleSet would refuse: emitted as data, refused by sievec.
    const rules = [
      rule('Fine', [subjectIs('multi\nline\nvalue')], [{ kind: 'keep' }]),
      rule('Broken', [subjectIs('x')], [{ kind: 'redirect', address: 'not an address' }]),
      rule('Also fine', [subjectIs('z')], [{ kind: 'discard' }]),
    ];
    const out = emitSieve(ruleSet({ rules }));
    const r = await tools.sievec(out.sieve);
    expect(r.ok).toBe(false);
    const line = Number(/line (\d+): error/.exec(r.errors)?.[1]);
    expect(out.lineMap.find((e) => line >= e.startLine && line <= e.endLine)?.name).toBe('Broken');
  });
});
