import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { insertAt, moveItem, removeAt, replaceAt } from '../../../web/lib/list-ops.js';

describe('immutable list edits', () => {
  test('moving an item keeps every item exactly once and puts it at the target', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 30 }), fc.nat(), fc.nat(), (xs, a, b) => {
        const from = a % xs.length;
        const to = b % xs.length;
        const items = xs.map((x, i) => ({ x, i }));
        const out = moveItem(items, from, to);
        expect(out).toHaveLength(items.length);
        expect(new Set(out)).toEqual(new Set(items));
        expect(out[to]).toBe(items[from]);
      }),
    );
  });

  test('moving past either end clamps to the end', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 99)).toEqual(['b', 'c', 'a']);
    expect(moveItem(['a', 'b', 'c'], 2, -5)).toEqual(['c', 'a', 'b']);
  });

  test('edits never change the input array', () => {
    const xs = Object.freeze(['a', 'b', 'c']);
    expect(replaceAt(xs, 1, 'B')).toEqual(['a', 'B', 'c']);
    expect(removeAt(xs, 0)).toEqual(['b', 'c']);
    expect(insertAt(xs, 3, 'd')).toEqual(['a', 'b', 'c', 'd']);
    expect(xs).toEqual(['a', 'b', 'c']);
  });
});
