import { describe, expect, test } from 'vitest';
import { domainProblems, forwardProblem, thresholdMeaning, vacationProblems } from '../../../web/lib/checks.js';

describe('inline field checks in words', () => {
  test('a forward to an allowed domain or its subdomain is fine', () => {
    expect(forwardProblem('me@example.org', ['example.org'])).toBeNull();
    expect(forwardProblem('me@mail.example.org', ['example.org'])).toBeNull();
  });

  test('a forward outside the allowed domains names the allowed ones', () => {
    expect(forwardProblem('thief@evil.example', ['example.org', 'example.net'])).toBe(
      'Your administrator only allows forwarding to example.org, example.net.',
    );
  });

  test('a forward to something that is not an address says what it should look like', () => {
    expect(forwardProblem('nobody', null)).toMatch(/not an email address/);
    expect(forwardProblem('', null)).toBe('Type the address to forward to.');
  });

  test('a vacation cannot end before it starts', () => {
    expect(vacationProblems({ message: 'away', start: '2026-08-10', end: '2026-08-01' })).toEqual([
      'The last day cannot be before the first day.',
    ]);
    expect(vacationProblems({ message: 'away', start: '2026-08-01', end: '2026-08-01' })).toEqual([]);
  });

  test('a vacation needs a message and a sensible repeat interval', () => {
    expect(vacationProblems({ message: ' ', days: 0 })).toEqual([
      'Write the reply message.',
      'Reply to the same sender at most once every 1 to 365 days.',
    ]);
  });

  test.each([
    [2, /Very strict/],
    [5, /Balanced/],
    [8, /Relaxed/],
    [20, /Very relaxed/],
    [0, /above 0/],
  ])('threshold %s is explained', (t, re) => {
    expect(thresholdMeaning(t)).toMatch(re);
  });

  test('policy domains must be domain names', () => {
    expect(domainProblems(['example.org', '*.example.net', 'not a domain'])).toEqual(['“not a domain” is not a domain name.']);
  });
});
