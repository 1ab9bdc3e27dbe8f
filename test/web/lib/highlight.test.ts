import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { highlightDsl, highlightPrefs, highlightSieve } from '../../../web/lib/highlight.js';

describe('syntax colouring', () => {
  test('the tokens of any text join back to exactly that text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        for (const h of [highlightSieve, highlightPrefs, highlightDsl]) {
          expect(h(text).map((t) => t.text).join('')).toBe(text);
        }
      }),
    );
  });

  test('Sieve keywords, tags, strings and comments are told apart', () => {
    const toks = highlightSieve('require ["fileinto"];\n# junk\nif header :contains "subject" "x" { fileinto "Junk"; }').filter(
      (t) => t.type !== 'plain',
    );
    expect(toks.map((t) => `${t.type}:${t.text}`)).toEqual([
      'keyword:require',
      'string:"fileinto"',
      'comment:# junk',
      'keyword:if',
      'keyword:header',
      'tag::contains',
      'string:"subject"',
      'string:"x"',
      'keyword:fileinto',
      'string:"Junk"',
    ]);
  });

  test('a user_prefs directive is coloured, its value is not', () => {
    const toks = highlightPrefs('# prefs\nrequired_score 5.0\nwelcomelist_from a@b.org\n');
    expect(toks.filter((t) => t.type === 'keyword').map((t) => t.text)).toEqual(['required_score', 'welcomelist_from']);
    expect(toks.find((t) => t.type === 'number')?.text).toBe('5.0');
  });
});
