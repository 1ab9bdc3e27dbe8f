import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeString } from '../../../server/managesieve/encoder.js';
import { ManageSieveError } from '../../../server/managesieve/errors.js';
import { ResponseParser, lineStrings, type ResponseItem } from '../../../server/managesieve/response.js';

const parseAll = (text: string | Buffer): ResponseItem[] => new ResponseParser().push(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'));

/** Feeds the stream one byte at a time, the worst chunking a socket can produce. */
function parseBytewise(text: string): ResponseItem[] {
  const parser = new ResponseParser();
  const bytes = Buffer.from(text, 'utf8');
  const items: ResponseItem[] = [];
  for (let i = 0; i < bytes.length; i++) items.push(...parser.push(bytes.subarray(i, i + 1)));
  return items;
}

// Dovecot's own answers, as recorded in the mail stack transcripts.
const GREETING =
  '"IMPLEMENTATION" "Dovecot (Debian) Pigeonhole"\r\n"SIEVE" "fileinto reject envelope"\r\n"NOTIFY" "mailto"\r\n"SASL" "PLAIN LOGIN"\r\n"STARTTLS"\r\n"VERSION" "1.0"\r\nOK "Dovecot (Debian) ready."\r\n';
const CHECK_NO =
  "NO {112}\r\nline 1: error: unknown command 'fileinto' (only reported once at first occurrence).\r\nerror: validation failed.\r\n\r\n";

describe('response parser', () => {
  test('a greeting yields capability lines and a final OK with its text', () => {
    const items = parseAll(GREETING);
    expect(items).toHaveLength(7);
    expect(lineStrings(items[0] as never)).toEqual(['IMPLEMENTATION', 'Dovecot (Debian) Pigeonhole']);
    expect(lineStrings(items[4] as never)).toEqual(['STARTTLS']);
    expect(items[6]).toEqual({ type: 'final', status: 'OK', codeArgs: [], text: 'Dovecot (Debian) ready.' });
  });

  test('a NO whose text is a literal keeps every line of the server text', () => {
    const [item] = parseAll(CHECK_NO);
    expect(item).toMatchObject({ type: 'final', status: 'NO' });
    expect((item as { text: string }).text).toContain("line 1: error: unknown command 'fileinto'");
    expect((item as { text: string }).text).toContain('error: validation failed.');
  });

  test('response codes with a sub-code, arguments and a referral URL are parsed', () => {
    expect(parseAll('NO (QUOTA/MAXSIZE) "Script is too large (max 1048576 bytes)."\r\n')[0]).toEqual({
      type: 'final', status: 'NO', code: 'QUOTA/MAXSIZE', codeArgs: [], text: 'Script is too large (max 1048576 bytes).',
    });
    expect(parseAll('OK (TAG "x\\"y")\r\n')[0]).toMatchObject({ code: 'TAG', codeArgs: ['x"y'] });
    expect(parseAll('BYE (REFERRAL sieve://other.example.net) "go away"\r\n')[0]).toMatchObject({
      status: 'BYE', code: 'REFERRAL', codeArgs: ['sieve://other.example.net'], text: 'go away',
    });
    expect(parseAll('ok (warnings) {5}\r\nwarn!\r\n')[0]).toMatchObject({ status: 'OK', code: 'WARNINGS', text: 'warn!' });
  });

  test('a LISTSCRIPTS answer marks the active script', () => {
    const items = parseAll('"rules" ACTIVE\r\n{5}\r\nother\r\n"x y"\r\nOK "Listscripts completed."\r\n');
    expect(items.slice(0, 3).map((l) => lineStrings(l as never))).toEqual([['rules', 'ACTIVE'], ['other'], ['x y']]);
  });

  test('literal lengths count UTF-8 octets, not characters', () => {
    const body = 'require "fileinto"; # Grüße 💌\r\nkeep;\r\n';
    const items = parseAll(`{${Buffer.byteLength(body)}}\r\n${body}\r\nOK\r\n`);
    expect(lineStrings(items[0] as never)).toEqual([body]);
    expect(items[1]).toMatchObject({ status: 'OK', text: '' });
  });

  test('byte-at-a-time chunks give the same items as one chunk', () => {
    const stream = GREETING + CHECK_NO + '{3}\r\nabc\r\nOK (WARNINGS) "w"\r\n';
    expect(parseBytewise(stream)).toEqual(parseAll(stream));
  });

  test('a literal split across chunks waits for all its octets', () => {
    const parser = new ResponseParser();
    expect(parser.push(Buffer.from('{10}\r\n12345'))).toEqual([]);
    expect(parser.push(Buffer.from('6789'))).toEqual([]);
    expect(parser.push(Buffer.from('0\r\nOK\r\n')).map((i) => i.type)).toEqual(['line', 'final']);
  });

  test.each([
    ['a line break inside a quoted string', '"abc\r\ndef"\r\n'],
    ['a malformed literal header', '{12x}\r\nhello world!\r\n'],
    ['a stray closing parenthesis', 'OK ) "x"\r\n'],
    ['an atom where the text belongs', 'NO (QUOTA) garbage\r\n'],
    ['a control character in an atom', 'OK\u0001\r\n'],
  ])('%s is a protocol error', (_name, input) => {
    expect(() => parseAll(input)).toThrow(ManageSieveError);
    try {
      parseAll(input);
    } catch (e) {
      expect((e as ManageSieveError).kind).toBe('protocol');
    }
  });

  test('a literal larger than the limit is refused before it is buffered', () => {
    const parser = new ResponseParser({ maxLiteralBytes: 100 });
    expect(() => parser.push(Buffer.from('{101}\r\n'))).toThrow(/exceeds the limit/);
  });

  test('any string survives encoding and parsing, however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 1, max: 7 }), (value, chunk) => {
        // The encoder produces c2s syntax ({N+}); a server answers with the same string forms.
        const wire = Buffer.from(`${encodeString(value)} ACTIVE\r\nOK\r\n`, 'utf8');
        const parser = new ResponseParser();
        const items: ResponseItem[] = [];
        for (let i = 0; i < wire.length; i += chunk) items.push(...parser.push(wire.subarray(i, i + chunk)));
        expect(items).toHaveLength(2);
        expect(lineStrings(items[0] as never)).toEqual([value, 'ACTIVE']);
      }),
      { numRuns: 500 },
    );
  });

  test('strings with quotes, backslashes and line breaks round-trip', () => {
    for (const value of ['', '"', '\\', 'a"b\\c', 'line1\r\nline2', 'x'.repeat(1025), '\0', '${x}#']) {
      expect(lineStrings(parseAll(`${encodeString(value)}\r\nOK\r\n`)[0] as never)).toEqual([value]);
    }
  });
});
