import { describe, expect, test } from 'vitest';
import { parseCapabilities } from '../../../server/managesieve/capabilities.js';
import { ResponseParser, type DataLine } from '../../../server/managesieve/response.js';

const lines = (text: string) =>
  new ResponseParser().push(Buffer.from(text)).filter((i): i is DataLine => i.type === 'line');

describe('capabilities', () => {
  test('every RFC 5804 capability is read into its typed field', () => {
    const caps = parseCapabilities(lines(
      '"IMPLEMENTATION" "Example1 ManageSieved v001"\r\n"SASL" "plain login"\r\n"SIEVE" "FileInto Vacation"\r\n' +
        '"STARTTLS"\r\n"MAXREDIRECTS" "4"\r\n"NOTIFY" "mailto xmpp"\r\n"LANGUAGE" "fr"\r\n"VERSION" "1.0"\r\n"OWNER" "alice"\r\n"X-ODD" "y"\r\nOK\r\n',
    ));
    expect(caps).toEqual({
      implementation: 'Example1 ManageSieved v001',
      sasl: ['PLAIN', 'LOGIN'],
      sieve: ['fileinto', 'vacation'],
      starttls: true,
      maxRedirects: 4,
      notify: ['mailto', 'xmpp'],
      language: 'fr',
      version: '1.0',
      owner: 'alice',
      raw: expect.objectContaining({ 'X-ODD': 'y', STARTTLS: '' }),
    });
  });

  test('absent capabilities read as empty or null', () => {
    const caps = parseCapabilities(lines('"IMPLEMENTATION" "x"\r\nOK\r\n'));
    expect(caps).toMatchObject({ sasl: [], sieve: [], starttls: false, maxRedirects: null, owner: null, version: null });
  });
});
