// The token runs both grammars read in one step (grammar/sieve.peggy and
// grammar/rules.peggy: identifiers, quoted strings, blanks, comments, keyword
// words) read exactly what the Peggy form written beside them describes,
// including at their edges: escapes, `*` and `/` inside comments, the end of
// the text, CRLF, and words that only start like a keyword.
import { describe, expect, test } from 'vitest';
import { parseSieve } from '../../grammar/import/sieve-parse.js';
import { parseRules, readRules } from '../../grammar/parse-rules.js';

describe('Sieve tokens', () => {
  test('quoted strings: escapes, an escaped quote before the end, an empty string, line breaks inside', () => {
    const { value } = parseSieve('a "x\\\\" "\\"" "" "p\\\\\\"q" "two\r\nlines";');
    expect(value?.commands[0]?.arguments.map((a) => (a.type === 'string' ? a.value : null))).toEqual(['x\\', '"', '', 'p\\"q', 'two\r\nlines']);
    expect(value?.commands[0]?.arguments[1]?.loc).toMatchObject({ start: { offset: 8, column: 9 }, end: { offset: 12, column: 13 } });
  });

  test('an unterminated quoted string is reported where it starts', () => {
    expect(parseSieve('keep;\nfileinto "Lists\\";\n').diagnostics[0]).toMatchObject({ message: 'unterminated quoted string', start: { line: 2, column: 10 } });
  });

  test('identifiers, tags and numbers are read whole', () => {
    const { value } = parseSieve('set_flag_2 :is_x 10 007K;');
    const c = value?.commands[0];
    expect(c?.name).toBe('set_flag_2');
    expect(c?.arguments).toMatchObject([{ type: 'tag', name: 'is_x' }, { type: 'number', value: 10, raw: '10' }, { type: 'number', value: 7 * 1024, raw: '007K' }]);
  });

  test('comments: `*` and `/` inside a bracket comment, a hash comment at the very end, each kept once', () => {
    const { value } = parseSieve('/* a * b / c **/keep; /**/ # last');
    expect(value?.comments.map((c) => [c.style, c.text, c.loc.start.offset, c.loc.end.offset])).toEqual([
      ['bracket', ' a * b / c *', 0, 16],
      ['bracket', '', 22, 26],
      ['hash', ' last', 27, 33],
    ]);
  });

  test('an unterminated bracket comment is reported where it starts', () => {
    expect(parseSieve('keep;\n  /* never closed\nstop;\n').diagnostics[0]).toMatchObject({ message: 'unterminated bracket comment', start: { line: 2, column: 3 } });
  });

  test('multi-line strings: any case of text:, a comment after it, CRLF lines and dot-stuffing', () => {
    const { value } = parseSieve('v TEXT: # why\r\n..one\r\ntwo\r\n.\r\n;');
    expect(value?.commands[0]?.arguments[0]).toMatchObject({ form: 'multiline', value: '.one\r\ntwo\r\n' });
    expect(value?.comments.map((c) => c.text)).toEqual([' why']);
  });

  test('white space of every kind between tokens, and none where none is needed', () => {
    expect(parseSieve('if\t\r\n anyof(true,false){keep;}').value?.commands[0]).toMatchObject({
      name: 'if',
      tests: [{ name: 'anyof', testList: true, tests: [{ name: 'true' }, { name: 'false' }] }],
      block: [{ name: 'keep' }],
    });
  });
});

describe('rules DSL tokens', () => {
  const folderOf = (text: string) => {
    const rule = readRules(text).ruleSet?.rules[0];
    return rule && 'actions' in rule ? rule.actions[0] : undefined;
  };

  test('strings: plain, with escapes, and escapes right before the closing quote', () => {
    expect(folderOf('rule "r" { when always then fileinto "Plain/Folder" }')).toEqual({ kind: 'fileinto', folder: 'Plain/Folder' });
    expect(folderOf('rule "r" { when always then fileinto "a\\"b\\\\c\\u{1F600}\\t" }')).toEqual({ kind: 'fileinto', folder: 'a"b\\c\u{1F600}\t' });
    expect(folderOf('rule "r" { when always then fileinto "end\\\\" }')).toEqual({ kind: 'fileinto', folder: 'end\\' });
  });

  test('an unclosed string and an unknown escape keep their messages and positions', () => {
    expect(parseRules('rule "r" { when always then fileinto "Lists\n}').diagnostics[0]).toMatchObject({
      message: 'this string has no closing quote before the end of the line',
      start: { line: 1, column: 38 },
    });
    expect(parseRules('rule "r" {\n  when always then fileinto "a\\qb" }').diagnostics[0]).toMatchObject({
      message: 'unknown escape \\q in string (use \\\\ for a backslash)',
      start: { line: 2, column: 31 },
    });
  });

  test('comments and blanks: a comment at the very end, a byte order mark, CRLF', () => {
    const { ruleSet, diagnostics } = readRules('\uFEFF# head\r\nrule "r" { # why\r\n when always then stop }\t# end');
    expect(diagnostics).toEqual([]);
    expect(ruleSet?.rules).toHaveLength(1);
  });

  test('keywords are whole words: one that only starts like a keyword is not one', () => {
    expect(parseRules('rule "r" { when fromx is "a" then stop }').diagnostics[0]).toMatchObject({ message: 'expected a condition, but found `fromx`', start: { line: 1, column: 17 } });
    expect(parseRules('rule "r" { when always then stopper }').diagnostics[0]).toMatchObject({ message: 'expected an action, but found `stopper`', start: { line: 1, column: 29 } });
    const rule = parseRules('rule "r" { when reply-to is "a@b.c" then stop }').ruleSet?.rules[0];
    expect(rule && 'conditions' in rule ? rule.conditions[0] : undefined).toMatchObject({ kind: 'address', header: 'reply-to' });
  });
});
