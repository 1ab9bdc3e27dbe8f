import { describe, expect, test } from 'vitest';
import type { Condition } from '../../../grammar/model.js';
import { authSentence, describeCondition, describeRule, formatScore, spamFilterTitle } from '../../../web/lib/words.js';

describe('plain-language wording', () => {
  test('the built-in spam filter reads as its threshold and folder, scores with one decimal at least', () => {
    expect(spamFilterTitle({ junkFolder: 'Junk', threshold: 5 })).toBe('Spam score ≥ 5.0 → Junk');
    expect(spamFilterTitle({ junkFolder: 'Spam', threshold: 6.25 })).toBe('Spam score ≥ 6.25 → Spam');
    expect(formatScore(-2)).toBe('-2.0');
  });

  test.each([
    ['dmarc', 'fail', "the sender's domain failed DMARC"],
    ['dmarc', 'pass', "the sender's domain passed DMARC"],
    ['spf', 'softfail', 'the sending server soft-failed SPF'],
    ['dkim', 'pass', 'the DKIM signature is valid'],
    ['dkim', 'none', 'the message has no DKIM signature'],
  ] as const)('%s %s reads "%s"', (method, result, sentence) => {
    expect(authSentence(method, result)).toBe(sentence);
  });

  test('every auth method and result has its own sentence', async () => {
    const { AUTH_METHODS, AUTH_RESULTS } = await import('../../../grammar/model.js');
    const all = AUTH_METHODS.flatMap((m) => AUTH_RESULTS.map((r) => authSentence(m, r)));
    expect(new Set(all).size).toBe(all.length);
  });

  test('a nested group reads with its own and/or', () => {
    const c: Condition = {
      kind: 'group',
      combine: 'any',
      conditions: [
        { kind: 'subject', test: { match: 'contains', values: ['invoice'] } },
        { kind: 'size', comparison: 'over', bytes: 2 * 1024 * 1024 },
      ],
    };
    expect(describeCondition(c)).toBe('(the subject contains “invoice” or the message is over 2 MB)');
  });

  test('a rule sentence names its conditions and actions in order', () => {
    const text = describeRule({
      combine: 'all',
      conditions: [{ kind: 'auth', method: 'dmarc', result: 'fail' }],
      actions: [{ kind: 'fileinto', folder: 'Junk' }, { kind: 'stop' }],
    });
    expect(text).toBe("If the sender's domain failed DMARC: move to “Junk”, then stop.");
  });

  test('a rule with "none" says none of', () => {
    expect(
      describeRule({ combine: 'none', conditions: [{ kind: 'exists', names: ['List-Id'] }], actions: [{ kind: 'keep' }] }),
    ).toBe('If none of: the header List-Id is present: keep it in the Inbox.');
  });
});
