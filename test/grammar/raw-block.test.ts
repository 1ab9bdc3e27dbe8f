// Raw Sieve blocks are read on every validation the way the server reads
// them: syntax errors and extension problems named by block and placed by
// the block's own line and column.
import { describe, expect, test } from 'vitest';
import { compileRuleSet } from '../../grammar/compile.js';
import type { RawBlock, RuleSet } from '../../grammar/model.js';
import { emptyRuleSet } from '../../grammar/model.js';
import { parseRules } from '../../grammar/parse-rules.js';
import { parseRawBlock, rawBlockLabel } from '../../grammar/raw-block.js';
import { validateRuleSet } from '../../grammar/validate.js';

const raw = (sieve: string, requires: string[] = [], extra: Partial<RawBlock> = {}): RawBlock => ({ kind: 'raw', name: 'Mine', sieve, requires, enabled: true, ...extra });
const withRaw = (block: RawBlock): RuleSet => ({ ...emptyRuleSet(), rules: [block] });
const messages = (block: RawBlock, capabilities?: readonly string[]) =>
  parseRawBlock(block, rawBlockLabel(block), capabilities ? { capabilities } : {}).diagnostics.map((d) => `${d.code}: ${d.message}`);

describe('parseRawBlock', () => {
  test('a sound block gives its syntax tree and no diagnostics', () => {
    const result = parseRawBlock(raw('if header :regex "subject" "^a" {\n  fileinto :copy "x";\n}\n', ['fileinto', 'regex', 'copy']));
    expect(result.diagnostics).toEqual([]);
    expect(result.script?.commands.map((c) => c.name)).toEqual(['if']);
  });

  test('an unclosed "{" is a syntax error at a line and column inside the block', () => {
    const result = parseRawBlock(raw('if header :contains "subject" "x" {\n  discard;\n'));
    expect(result.script).toBeNull();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'syntax', severity: 'error', start: { line: 3, column: 1 }, message: 'raw block "Mine", line 3, column 1: a "{" is never closed: the text ends before its "}"' }),
    ]);
  });

  test('an unterminated string names its line and column', () => {
    expect(messages(raw('keep;\nif header :is "a" "b {\n  stop;\n}\n'))).toEqual(['syntax: raw block "Mine", line 2, column 19: unterminated quoted string']);
  });

  test('a command, test, tag or comparator used without its extension in the requires is refused where it is used', () => {
    const block = raw('if allof(envelope :is "from" "a@b.c", header :comparator "i;ascii-numeric" :value "gt" "x" "1") {\n  addflag "\\\\Seen";\n}\n', ['imap4flags']);
    expect(messages(block)).toEqual([
      'raw_missing_require: raw block "Mine", line 1, column 10: test "envelope" needs the Sieve extension "envelope"; add it to the block\'s requires',
      'raw_missing_require: raw block "Mine", line 1, column 58: comparator "i;ascii-numeric" needs the Sieve extension "comparator-i;ascii-numeric"; add it to the block\'s requires',
      'raw_missing_require: raw block "Mine", line 1, column 76: tag ":value" needs the Sieve extension "relational"; add it to the block\'s requires',
    ]);
  });

  test('vacation\'s own :mime needs only vacation; :mime on a test needs the mime extension', () => {
    expect(messages(raw('vacation :mime "Content-Type: text/plain\r\n\r\nAway.";', ['vacation']))).toEqual([]);
    expect(messages(raw('if header :mime :anychild :contains "content-type" "pdf" { discard; }'))).toEqual([
      'raw_missing_require: raw block "Mine", line 1, column 11: tag ":mime" needs the Sieve extension "mime"; add it to the block\'s requires',
      'raw_missing_require: raw block "Mine", line 1, column 17: tag ":anychild" needs the Sieve extension "mime"; add it to the block\'s requires',
    ]);
  });

  test('either of two extensions that define a name is enough', () => {
    expect(messages(raw('if spamtest :value "ge" :comparator "i;ascii-numeric" "5" { discard; }', ['spamtestplus', 'relational', 'comparator-i;ascii-numeric']))).toEqual([]);
    expect(messages(raw('mark;', ['imapflags']), ['imapflags'])).toEqual([]);
  });

  test('an extension the server does not offer is refused, declared or only used', () => {
    const caps = ['fileinto', 'regex'];
    expect(messages(raw('vacation "away";', ['vacation']), caps)).toEqual(['unsupported_extension: raw block "Mine": needs the Sieve extension "vacation", which the server does not offer']);
    expect(messages(raw('vacation "away";'), caps)).toEqual([
      'raw_missing_require: raw block "Mine", line 1, column 1: command "vacation" needs the Sieve extension "vacation"; add it to the block\'s requires (and the server does not offer "vacation")',
    ]);
  });

  test('"require" inside a block is refused: the block is not at the start of the script', () => {
    expect(messages(raw('keep;\nrequire "fileinto";\nfileinto "x";', ['fileinto']))).toEqual([
      'raw_require: raw block "Mine", line 2, column 1: "require" is only allowed at the start of the script; list the extensions in the block\'s requires instead',
    ]);
  });

  test('an unnamed block is named by its place among the rules', () => {
    const rs: RuleSet = { ...emptyRuleSet(), rules: [raw('keep;'), raw('if true {', [], { name: undefined })] as RawBlock[] };
    expect(validateRuleSet(rs).map((d) => d.message)).toEqual([expect.stringMatching(/^raw block #2, line 1, column 10: /)]);
  });
});

describe('raw blocks in validation and compilation', () => {
  test('a switched-off block is not read: it is emitted as comments', () => {
    expect(validateRuleSet(withRaw(raw('if true {', [], { enabled: false })))).toEqual([]);
  });

  test('the compiler checks a block against the capability list it is given', () => {
    const rs = withRaw(raw('if body :contains "x" { discard; }', ['body']));
    expect(compileRuleSet(rs).ok).toBe(true);
    // What the built-in spam filter needs, and not what the block needs.
    const refused = compileRuleSet(rs, { capabilities: ['fileinto', 'imap4flags', 'regex'] });
    expect(refused.ok).toBe(false);
    expect(refused.diagnostics.map((d) => d.message)).toEqual(['raw block "Mine": needs the Sieve extension "body", which the server does not offer']);
  });

  test('the rules DSL reports a broken block at the block, with the line and column inside it in the message', () => {
    const text = 'rule "A" {\n  when always\n  then keep\n}\n\nraw "Broken" {\n  | if header :contains "subject" "x" {\n  |   discard;\n}\n';
    const { ruleSet, diagnostics } = parseRules(text);
    expect(ruleSet).toBeNull();
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'syntax', start: { line: 6, column: 1 }, message: 'raw block "Broken", line 2, column 11: a "{" is never closed: the text ends before its "}"' }),
    ]);
  });
});
