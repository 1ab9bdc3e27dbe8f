import { describe, expect, test } from 'vitest';
import { normalizeSender, parseSenderList } from '../../../web/lib/senders.js';

describe('sender patterns as people paste them', () => {
  test.each([
    ['Alice <Alice@Example.org>', 'alice@example.org'],
    ['mailto:bob@example.org', 'bob@example.org'],
    ['example.com', '*@example.com'],
    ['@example.com', '*@example.com'],
    ['*@lists.example.net', '*@lists.example.net'],
    ['  carol@example.org  ', 'carol@example.org'],
  ])('"%s" becomes %s', (raw, pattern) => {
    expect(normalizeSender(raw)).toBe(pattern);
  });

  test.each(['not an address', 'a@b@c', 'x@', '', 'evil"@example.org', 'a@example.org\nrequire "x"'])(
    '"%s" is not accepted as a sender',
    (raw) => {
      expect(normalizeSender(raw)).toBeNull();
    },
  );

  test('a pasted list is split on lines, commas and semicolons, without duplicates', () => {
    const r = parseSenderList('a@x.org, B@x.org\nb@x.org; nonsense\n\n c@x.org', ['c@x.org']);
    expect(r.patterns).toEqual(['a@x.org', 'b@x.org']);
    expect(r.rejected).toEqual(['nonsense']);
  });
});
