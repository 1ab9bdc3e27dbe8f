import { describe, expect, test } from 'vitest';
import { commentText, escapeRegex, PLAIN_STRINGS, quote } from '../../grammar/emit/sieve-strings.js';

const VARIABLES = { variables: true, encodedCharacter: false };
const ENCODED = { variables: false, encodedCharacter: true };

describe('Sieve string quoting', () => {
  test('quotes and backslashes are escaped, everything else is data', () => {
    expect(quote('a"b\\c', PLAIN_STRINGS).text).toBe('"a\\"b\\\\c"');
    expect(quote('é 日本 😀 \t \u0001', PLAIN_STRINGS).text).toBe('"é 日本 😀 \t \u0001"');
  });

  test('every kind of line break is written as LF, which Sieve reads as CRLF', () => {
    expect(quote('a\r\nb\rc\nd', PLAIN_STRINGS).text).toBe('"a\nb\nc\nd"');
  });

  test('NUL and unpaired surrogates become U+FFFD, so the output stays valid', () => {
    expect(quote('a\0b\uD800c\uDC00', PLAIN_STRINGS).text).toBe('"a\uFFFDb\uFFFDc\uFFFD"');
    expect(quote('😀', PLAIN_STRINGS).text).toBe('"😀"');
  });

  test('${ is left alone when nothing would expand it', () => {
    expect(quote('${x}', PLAIN_STRINGS)).toEqual({ text: '"${x}"', usesDollar: false });
  });

  test('${ goes through the dollar variable when variables would expand it', () => {
    expect(quote('${x} and $${hex:24}', VARIABLES)).toEqual({ text: '"${sw_dollar}{x} and $${sw_dollar}{hex:24}"', usesDollar: true });
  });

  test('${ is encoded as ${hex:24}{ when only encoded-character would decode it', () => {
    expect(quote('${hex:41}', ENCODED).text).toBe('"${hex:24}{hex:41}"');
  });
});

describe('regex escaping', () => {
  test('every POSIX ERE metacharacter is escaped', () => {
    const special = '.[]()*+?{}|^$\\';
    expect(new RegExp(`^${escapeRegex(special)}$`).test(special)).toBe(true);
  });
});

describe('comment text', () => {
  test('line breaks and control characters cannot end a comment', () => {
    expect(commentText('a\r\nb\u0000c\u007f')).toBe('a  b c ');
  });
});
