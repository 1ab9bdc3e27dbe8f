import { describe, expect, test } from 'vitest';
import { encodeCommand, encodeLiteral, encodeNumber, encodeString } from '../../../server/managesieve/encoder.js';

describe('command encoder', () => {
  test('plain strings are quoted with quotes and backslashes escaped', () => {
    expect(encodeString('rules')).toBe('"rules"');
    expect(encodeString('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });

  test('strings with CR, LF or NUL, or over 1024 octets, become non-synchronizing literals', () => {
    expect(encodeString('a\r\nb')).toBe('{4+}\r\na\r\nb');
    expect(encodeString('a\0')).toBe('{2+}\r\na\0');
    expect(encodeString('x'.repeat(1024))).toBe(`"${'x'.repeat(1024)}"`);
    expect(encodeString('x'.repeat(1025))).toBe(`{1025+}\r\n${'x'.repeat(1025)}`);
    // 512 two-octet characters are 1024 octets; one more tips it over.
    expect(encodeString('é'.repeat(513)).startsWith('{1026+}')).toBe(true);
  });

  test('a literal announces its length in UTF-8 octets', () => {
    expect(encodeLiteral('Grüße 💌')).toBe('{12+}\r\nGrüße 💌');
  });

  test('a command joins its arguments and ends with CRLF', () => {
    expect(encodeCommand('PUTSCRIPT', ['my "x"', { literal: 'keep;\r\n' }])).toBe('PUTSCRIPT "my \\"x\\"" {7+}\r\nkeep;\r\n\r\n');
    expect(encodeCommand('HAVESPACE', ['rules', 1000])).toBe('HAVESPACE "rules" 1000\r\n');
    expect(encodeCommand('LOGOUT')).toBe('LOGOUT\r\n');
  });

  test('a verb or number outside the grammar is refused rather than sent', () => {
    expect(() => encodeCommand('PUT\r\nSCRIPT')).toThrow(RangeError);
    expect(() => encodeNumber(-1)).toThrow(RangeError);
    expect(() => encodeNumber(1.5)).toThrow(RangeError);
    expect(() => encodeNumber(2 ** 32)).toThrow(RangeError);
  });
});
