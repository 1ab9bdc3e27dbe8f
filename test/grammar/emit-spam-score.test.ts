import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scoreAtLeastRegex, spamScoreRegex, thresholdTenths } from '../../grammar/emit/sieve/spam-score.js';

/** How SpamAssassin prints a score in X-Spam-Status ("%2.1f"). */
function printed(tenths: number): string {
  return (tenths / 10).toFixed(1);
}

describe('spam score regex', () => {
  test('accepts exactly the printed scores at or above the threshold, for every threshold from -30.0 to 130.0', () => {
    for (let threshold = -300; threshold <= 1300; threshold += 7) {
      const re = new RegExp(`^(${scoreAtLeastRegex(threshold)})$`);
      for (let score = -400; score <= 1500; score += 3) {
        expect(re.test(printed(score)), `score ${printed(score)} vs threshold ${printed(threshold)}`).toBe(score >= threshold);
      }
    }
  });

  test('holds for large and random thresholds and scores', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: -100_000, max: 100_000 }), (threshold, score) => {
        const re = new RegExp(`^(${scoreAtLeastRegex(threshold)})$`);
        expect(re.test(printed(score))).toBe(score >= threshold);
      }),
      { numRuns: 2000 },
    );
  });

  test('negative zero counts as zero', () => {
    expect(new RegExp(`^(${scoreAtLeastRegex(0)})$`).test('-0.0')).toBe(true);
    expect(new RegExp(`^(${scoreAtLeastRegex(1)})$`).test('-0.0')).toBe(false);
  });

  test('thresholds are rounded up to the printed precision without float noise', () => {
    expect(thresholdTenths(5)).toBe(50);
    expect(thresholdTenths(5.1)).toBe(51);
    expect(thresholdTenths(0.3)).toBe(3);
    expect(thresholdTenths(5.05)).toBe(51);
    expect(thresholdTenths(-1.25)).toBe(-12);
  });

  test('the header regex is anchored at the verdict and ends the number at whitespace', () => {
    const re = new RegExp(spamScoreRegex(5).replace(/\[\[:space:\]\]/g, '\\s'), 'i');
    expect(re.test('Yes, score=5.0 required=5.0 tests=X')).toBe(true);
    expect(re.test('No, score=4.9 required=5.0 tests=X')).toBe(false);
    expect(re.test('No, score=4.9 required=5.0 tests=X score=9.9 ')).toBe(false);
    expect(re.test('Yes, score=15.0')).toBe(true);
    // A header folded before the verdict keeps the fold's blank.
    expect(re.test('\t Yes, score=5.0 required=5.0')).toBe(true);
    expect(re.test('X Yes, score=9.0 required=5.0')).toBe(false);
  });
});
