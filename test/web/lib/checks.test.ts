import { describe, expect, test } from 'vitest';
import { domainProblems, forwardPolicyNotice, forwardProblem, thresholdMeaning, vacationProblems } from '../../../web/lib/checks.js';

describe('inline field checks in words', () => {
  test('a forward to an allowed domain or its subdomain gets no warning', () => {
    expect(forwardPolicyNotice('me@example.org', ['example.org'])).toBeNull();
    expect(forwardPolicyNotice('me@Mail.Example.org', ['example.org'])).toBeNull();
    expect(forwardPolicyNotice('me@anywhere.example', [])).toBeNull();
  });

  test('an allowed domain written as *.example.org or .example.org allows the domain itself, as the server does', () => {
    expect(forwardPolicyNotice('me@example.org', ['*.example.org'])).toBeNull();
    expect(forwardPolicyNotice('me@mail.example.org', ['.example.org'])).toBeNull();
    expect(forwardPolicyNotice('me@badexample.org', ['*.example.org'])).not.toBeNull();
  });

  test('a forward outside the allowed domains is warned about, naming the allowed ones', () => {
    expect(forwardPolicyNotice('thief@evil.example', ['example.org', 'example.net'])).toMatch(
      /^Your administrator allows forwarding to example.org, example.net\. Forwarding elsewhere may be refused/,
    );
    expect(forwardPolicyNotice('me@notexample.org', ['example.org'])).not.toBeNull();
  });

  test('a forward to something that is not an address says what it should look like', () => {
    expect(forwardProblem('nobody')).toMatch(/not an email address/);
    expect(forwardProblem('')).toBe('Type the address to forward to.');
    expect(forwardProblem('me@example.org')).toBeNull();
  });

  test('a vacation cannot end before it starts', () => {
    expect(vacationProblems({ message: 'away', start: '2026-08-10', end: '2026-08-01' })).toEqual({
      dates: 'The last day cannot be before the first day.',
    });
    expect(vacationProblems({ message: 'away', start: '2026-08-01', end: '2026-08-01' })).toEqual({});
  });

  test('a vacation needs a message and a sensible repeat interval', () => {
    expect(vacationProblems({ message: ' ', days: 0 })).toEqual({
      message: 'Write the reply message.',
      days: 'Reply to the same sender at most once every 1 to 365 days.',
    });
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
