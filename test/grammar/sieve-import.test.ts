// Every fixture script imports without loss: the re-emitted script compiles
// whenever the original did, and Pigeonhole's sieve-test takes the same
// actions for both on every test message.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import { printRules } from '../../grammar/emit/rules-text.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { importSieve } from '../../grammar/import/sieve.js';
import { emptyRuleSet, isRawBlock, type RuleSet } from '../../grammar/model.js';
import { pigeonhole, type PigeonholeTools } from '../support/pigeonhole.js';
import { behaviour } from '../support/sieve-probes.js';

const dir = join(import.meta.dirname, '../fixtures/sieve');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.sieve')).sort();
const messages = readdirSync(join(dir, 'messages'))
  .filter((f) => f.endsWith('.eml'))
  .map((f) => ({ name: f, text: readFileSync(join(dir, 'messages', f), 'utf8') }));

let tools: PigeonholeTools;
beforeAll(async () => {
  tools = await pigeonhole();
});
afterAll(async () => {
  await tools?.cleanup();
});

describe('importing fixture scripts', () => {
  test('there are at least 25 fixture scripts and 4 messages', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
    expect(messages.length).toBeGreaterThanOrEqual(4);
  });

  test.each(fixtures)('%s imports and re-emits with the same behaviour under sieve-test', async (file) => {
    const input = readFileSync(join(dir, file), 'utf8');
    const imported = importSieve(input);
    // Info notes (a Junk filing gaining the Junk keyword) are expected; nothing worse.
    expect(imported.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    for (const item of imported.ruleSet.rules) {
      if (isRawBlock(item) && item.sieve !== '') expect(input).toContain(item.sieve);
    }
    const output = compileRuleSet(imported.ruleSet).sieve;
    const [before, after] = await Promise.all([tools.sievec(input), tools.sievec(output)]);
    if (before.ok) expect(after, `re-emitted script:\n${output}`).toMatchObject({ ok: true });
    if (!before.ok) return;
    const runs = await Promise.all(
      messages.flatMap((m) => [input, output].map((script) => tools.sieveTest(script, m.text, { envelopeFrom: 'sender@example.com', recipient: 'alice@example.test' }))),
    );
    messages.forEach((m, i) => {
      expect(behaviour(runs[2 * i + 1]!), `${m.name} with re-emitted script:\n${output}`).toEqual(behaviour(runs[2 * i]!));
    });
  });
});

describe('what becomes a rule and what stays raw', () => {
  const read = (f: string) => importSieve(readFileSync(join(dir, f), 'utf8'));

  test('Roundcube rules keep their names, a disabled rule stays disabled, a flag after fileinto stays raw', () => {
    const { ruleSet, report } = read('roundcube-rules.sieve');
    expect(report.map((r) => [r.kind, r.name])).toEqual([
      ['raw', 'Newsletters'], ['rule', 'Boss'], ['rule', 'Disabled spam rule'], ['rule', 'Big mail'],
    ]);
    expect(ruleSet.rules[2]).toMatchObject({ enabled: false, conditions: [{ kind: 'subject', test: { match: 'contains', values: ['[SPAM]'] } }] });
  });

  test('an unknown test inside allof keeps the whole rule raw instead of dropping the test', () => {
    const { ruleSet, report } = read('roundcube-5540-unknown-in-allof.sieve');
    expect(report[0]).toMatchObject({ kind: 'raw', name: 'Unknown test inside allof must not broaden', startLine: 3, endLine: 6 });
    expect(ruleSet.rules[0]).toMatchObject({ kind: 'raw', requires: ['body'] });
    expect(report[1]).toMatchObject({ kind: 'rule', name: 'All messages' });
  });

  test('one unknown test in an elsif keeps the whole if/elsif/else chain raw', () => {
    const text = 'require "fileinto";\nif header :is "x" "1" {\n  fileinto "A";\n} elsif foo "2" {\n  keep;\n} else {\n  discard;\n}\n';
    const { ruleSet, report } = importSieve(text);
    expect(report).toEqual([{ kind: 'raw', startLine: 2, endLine: 8, reason: "test 'foo'" }]);
    expect(ruleSet.rules).toEqual([{ kind: 'raw', sieve: text.slice(text.indexOf('if'), -1), requires: ['fileinto'], enabled: true }]);
  });

  test('an understood elsif chain becomes one rule per branch, each excluding the earlier tests', () => {
    const { ruleSet } = read('rfc5228-elsif.sieve');
    expect(ruleSet.rules.map((r) => (isRawBlock(r) ? r : [r.combine, r.conditions.map((c) => c.kind)]))).toEqual([
      ['all', ['header']], ['all', ['not', 'address']], ['all', ['not', 'not']],
    ]);
  });

  test('a date-bounded vacation becomes a vacation with start and end', () => {
    const { ruleSet } = read('roundcube-vacation.sieve');
    expect(ruleSet.rules[0]).toMatchObject({ actions: [{ kind: 'vacation', vacation: { start: '2020-01-01', end: '2099-12-31', days: 1 } }] });
  });

  test('strings the variables extension would expand stay raw', () => {
    const { report } = read('rfc5229-variables.sieve');
    expect(report.every((r) => r.kind === 'raw')).toBe(true);
  });

  test('a flag set after the message was stored keeps the rule raw', () => {
    const { report } = importSieve('require ["imap4flags","fileinto"];\nif true { fileinto "A"; addflag "\\\\Seen"; }\n');
    expect(report).toEqual([expect.objectContaining({ kind: 'raw', reason: 'a flag set after the message was stored' })]);
  });

  test('our own output imports back to whitelist, blocklist, auth and spam rules, and compiles to the same script', () => {
    const model: RuleSet = {
      settings: { junkFolder: 'Spam', threshold: 5, trustedAuthservId: 'mx.example.test' },
      whitelist: [{ pattern: 'friend@example.com', authenticated: false }, { pattern: '*@bank.example', authenticated: true }],
      blocklist: [{ pattern: '*@spam.example', action: 'junk' }, { pattern: 'pest@example.net', action: 'discard' }],
      rules: [
        { name: 'DMARC fail to Junk', enabled: true, combine: 'all', conditions: [{ kind: 'auth', method: 'dmarc', result: 'fail' }], actions: [{ kind: 'fileinto', folder: 'Spam' }, { kind: 'stop' }] },
        { name: 'Spammy', enabled: true, combine: 'any', conditions: [{ kind: 'spam-score', atLeast: 5 }, { kind: 'subject', test: { match: 'contains', values: ['[SPAM]'] } }], actions: [{ kind: 'fileinto', folder: 'Spam' }] },
        { name: 'Lists', enabled: true, combine: 'none', conditions: [{ kind: 'list-id', test: { match: 'contains', values: ['news'] } }, { kind: 'size', comparison: 'over', bytes: 1024 }], actions: [{ kind: 'mark-read' }, { kind: 'keep' }] },
        { name: 'Off', enabled: false, combine: 'all', conditions: [{ kind: 'header', names: ['x-test'], test: { match: 'is', values: ['a ${b}\nc'] } }], actions: [{ kind: 'discard' }] },
        { name: 'Away', enabled: true, combine: 'all', conditions: [{ kind: 'always' }], actions: [{ kind: 'vacation', vacation: { days: 3, message: 'Back soon.\n.\nBye', start: '2020-01-01', end: '2099-01-01' } }] },
        { kind: 'raw', name: 'Hand written', sieve: 'if header :contains "subject" "hand" {\n  fileinto "Hand";\n}', requires: ['fileinto'], enabled: true },
      ],
    };
    const script = compileRuleSet(model).sieve;
    const { ruleSet } = importSieve(script);
    expect(ruleSet.settings).toMatchObject({ junkFolder: 'Spam', trustedAuthservId: 'mx.example.test' });
    expect(ruleSet.whitelist).toEqual(model.whitelist);
    expect(ruleSet.blocklist).toEqual(model.blocklist);
    expect(ruleSet.rules).toEqual(model.rules);
    expect(compileRuleSet(ruleSet).sieve).toBe(script);
  });
});

describe('import fixes measured on other projects\' scripts', () => {
  test('a comparator capability is kept as a raw block\'s require and validates', () => {
    const { ruleSet } = importSieve('require ["relational", "comparator-i;ascii-numeric"];\nif header :value "ge" :comparator "i;ascii-numeric" "x-n" "5" { discard; }\n');
    expect(ruleSet.rules[0]).toMatchObject({ kind: 'raw', requires: ['relational', 'comparator-i;ascii-numeric'] });
    expect(compileRuleSet(ruleSet).ok).toBe(true);
  });

  test('a global. variable keeps require "include", and a raw block without it is refused', () => {
    const { ruleSet } = importSieve('require ["include", "variables"];\nset "global.a" "x";\n');
    expect(ruleSet.rules[0]).toMatchObject({ kind: 'raw', requires: ['include', 'variables'] });
    const broken = { ...emptyRuleSet(), rules: [{ kind: 'raw' as const, sieve: 'if string "${global.a}" "x" { keep; }', requires: ['variables'], enabled: true }] };
    expect(compileRuleSet(broken).diagnostics).toEqual([expect.objectContaining({ code: 'raw_missing_require', message: expect.stringContaining('namespace "global" needs the Sieve extension "include"') })]);
  });

  test('${hex:24} is literal text unless the script requires encoded-character', () => {
    const rule = (requires: string) => importSieve(`require [${requires}];\nif header :contains "subject" "\${hex:24}" { discard; }\n`).ruleSet.rules[0];
    expect(rule('"fileinto"')).toMatchObject({ conditions: [{ kind: 'subject', test: { values: ['${hex:24}'] } }] });
    expect(rule('"encoded-character"')).toMatchObject({ conditions: [{ kind: 'subject', test: { values: ['$'] } }] });
    expect(rule('"variables"')).toMatchObject({ kind: 'raw' });
  });

  test('a comment before require is its own block, without the require', () => {
    const { ruleSet } = importSieve('# mine\nrequire "body";\nif body :raw :contains "x" { discard; }\n');
    expect(ruleSet.rules).toEqual([
      { kind: 'raw', sieve: '# mine', requires: [], enabled: true },
      { kind: 'raw', sieve: 'if body :raw :contains "x" { discard; }', requires: ['body'], enabled: true },
    ]);
  });

  test('a command between our whitelist and blocklist stays there as a locked rule, or is warned about when raw', () => {
    const own = readFileSync(join(dir, 'sievewright-own-between-sections.sieve'), 'utf8');
    const imported = importSieve(own);
    expect(imported.ruleSet.rules[0]).toMatchObject({ locked: true, conditions: [{ kind: 'subject', test: { values: ['casino'] } }] });
    expect(imported.diagnostics).toEqual([]);
    const raw = importSieve(own.replace('header :contains "subject" "casino"', 'header :value "ge" "subject" "casino"'));
    expect(raw.diagnostics).toEqual([expect.objectContaining({ code: 'import_reordered', severity: 'warning', start: { line: 8, column: 1 } })]);
  });

  test('filing into the Junk folder is noted once per rule, not for our own bracketed filing', () => {
    const plain = importSieve(readFileSync(join(dir, 'fileinto-junk.sieve'), 'utf8'));
    expect(plain.diagnostics).toEqual([expect.objectContaining({ code: 'import_junk_keyword', severity: 'info', start: { line: 2, column: 1 } })]);
    expect(importSieve(readFileSync(join(dir, 'sievewright-own.sieve'), 'utf8')).diagnostics).toEqual([]);
  });

  test('several syntax errors are all reported, and an unended string ends the list', () => {
    const errors = importSieve('if true {\n  keep,\n}\nif true { stop ] }\nkeep;\n').diagnostics;
    expect(errors.map((d) => [d.code, d.start?.line])).toEqual([['syntax', 2], ['syntax', 4]]);
    expect(importSieve('keep,\nkeep;\nif header :is "a {\nstop,\n').diagnostics.map((d) => [d.start?.line, d.message])).toEqual([
      [1, expect.any(String)],
      [3, 'unterminated quoted string'],
    ]);
  });
});

describe('comments inside rules', () => {
  test('hash and bracket comments inside a rule become its comment lines, in the branch they sit in', () => {
    const text = 'require "fileinto";\nif header :contains "subject" "a" {\n  # first\n  fileinto "A"; /* two\n   lines */\n} elsif exists "x" {\n  keep; # kept\n}\n';
    const { ruleSet, report } = importSieve(text);
    expect(report.map((e) => e.kind)).toEqual(['rule', 'rule']);
    expect(ruleSet.rules.map((r) => ('comments' in r ? r.comments : undefined))).toEqual([['first', 'two', 'lines'], ['kept']]);
  });

  test('a rule\'s comments are printed in the DSL, emitted as # lines in its block, and read back', () => {
    const rs: RuleSet = {
      ...emptyRuleSet(),
      rules: [{ name: 'R', enabled: true, comments: ['why: the boss', '  indented'], combine: 'all', conditions: [{ kind: 'always' }], actions: [{ kind: 'keep' }] }],
    };
    const script = compileRuleSet(rs).sieve;
    expect(script).toContain('# rule:[R]\nif true\n{\n  # why: the boss\n  #   indented\n  keep;\n}');
    expect(printRules(rs)).toContain('rule "R" {\n  comment "why: the boss"\n  comment "  indented"\n  when always');
    expect(parseRules(printRules(rs)).ruleSet?.rules).toEqual(rs.rules);
    expect(importSieve(script).ruleSet.rules).toEqual(rs.rules);
  });

  test('a comment with a line break is refused by validation', () => {
    const rs: RuleSet = { ...emptyRuleSet(), rules: [{ name: 'R', enabled: true, comments: ['a\nb'], combine: 'all', conditions: [{ kind: 'always' }], actions: [{ kind: 'keep' }] }] };
    expect(compileRuleSet(rs).diagnostics).toEqual([expect.objectContaining({ code: 'control_character' })]);
  });
});

describe('spamtest and virustest conditions', () => {
  const head = 'require ["relational", "comparator-i;ascii-numeric", "spamtestplus", "virustest"];\n';
  test('a numeric :value comparison becomes a condition; :count, a text comparison or a non-number key stays raw', () => {
    const first = (test: string) => importSieve(`${head}if ${test} { discard; }\n`).ruleSet.rules[0];
    expect(first('spamtest :percent :value "ge" :comparator "i;ascii-numeric" "70"')).toMatchObject({ conditions: [{ kind: 'spamtest', engine: 'spam', percent: true, relation: 'ge', value: 70 }] });
    expect(first('virustest :value "eq" :comparator "i;ascii-numeric" "5"')).toMatchObject({ conditions: [{ kind: 'spamtest', engine: 'virus', relation: 'eq', value: 5 }] });
    for (const raw of ['spamtest :count "ge" :comparator "i;ascii-numeric" "1"', 'spamtest :value "ge" "5"', 'spamtest :value "ge" :comparator "i;ascii-numeric" "5.5"', 'virustest :percent :value "ge" :comparator "i;ascii-numeric" "5"']) {
      expect(first(raw), raw).toMatchObject({ kind: 'raw' });
    }
  });

  test('the DSL reads and prints them, and validation keeps the values in the tests\' ranges', () => {
    const text = 'rule "S" {\n  when any of {\n    spam test percent gt 90\n    virus test ge 4\n  }\n  then discard\n}\n';
    const parsed = parseRules(text);
    expect(parsed.diagnostics).toEqual([]);
    expect(printRules(parsed.ruleSet!)).toContain(text);
    const rule = (c: object): RuleSet => ({ ...emptyRuleSet(), rules: [{ name: 'R', enabled: true, combine: 'all', conditions: [c as never], actions: [{ kind: 'discard' }] }] });
    expect(compileRuleSet(rule({ kind: 'spamtest', engine: 'spam', relation: 'ge', value: 11 })).diagnostics).toEqual([expect.objectContaining({ code: 'bad_score' })]);
    expect(compileRuleSet(rule({ kind: 'spamtest', engine: 'virus', percent: true, relation: 'ge', value: 1 })).diagnostics).toEqual([expect.objectContaining({ code: 'bad_score' })]);
    expect(compileRuleSet(rule({ kind: 'spamtest', engine: 'spam', percent: true, relation: 'ge', value: 100 })).ok).toBe(true);
  });
});

describe('subaddress parts', () => {
  test(':user and :detail of address and envelope become conditions, emitted with require "subaddress"', () => {
    const { ruleSet, report } = importSieve('require ["subaddress", "envelope", "fileinto"];\nif allof (address :detail "to" "lists", envelope :user "to" "alice") { fileinto "Lists"; }\n');
    expect(report.map((e) => e.kind)).toEqual(['rule']);
    expect(ruleSet.rules[0]).toMatchObject({ conditions: [{ kind: 'address', header: 'to', part: 'detail' }, { kind: 'envelope', field: 'to', part: 'user' }] });
    const script = compileRuleSet(ruleSet).sieve;
    expect(script).toContain('require ["envelope", "fileinto", "subaddress"];');
    expect(printRules(ruleSet)).toContain('to detail is "lists"');
    expect(parseRules(printRules(ruleSet)).ruleSet?.rules).toEqual(ruleSet.rules);
  });
});
