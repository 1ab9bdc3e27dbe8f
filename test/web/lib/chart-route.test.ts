import { describe, expect, test } from 'vitest';
import { weeklyBars } from '../../../web/lib/chart.js';
import { parseRoute } from '../../../web/app/route.js';

describe('weekly chart geometry', () => {
  test('the tallest bar fills the height and the others scale to it', () => {
    const { bars, max } = weeklyBars(
      [
        { week: '2026-W01', spam: 10, ham: 5 },
        { week: '2026-W02', spam: 0, ham: 2 },
      ],
      400,
      100,
    );
    expect(max).toBe(10);
    expect(bars.map((b) => b.height)).toEqual([100, 50, 0, 20]);
    expect(bars.every((b) => b.y + b.height === 100 && b.x >= 0 && b.x + b.width <= 400)).toBe(true);
  });

  test('no weeks gives no bars', () => {
    expect(weeklyBars([], 400, 100).bars).toEqual([]);
  });
});

describe('hash routes', () => {
  test.each([
    ['', { screen: 'rules' }],
    ['#/rules', { screen: 'rules' }],
    ['#/rules/3', { screen: 'rule', index: 3 }],
    ['#/rules/x', { screen: 'rules' }],
    ['#/senders', { screen: 'senders' }],
    ['#/try', { screen: 'try' }],
    ['#/admin', { screen: 'admin', tab: 'defaults' }],
    ['#/admin/users', { screen: 'admin', tab: 'users' }],
    ['#/nonsense', { screen: 'rules' }],
  ])('%j routes to %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });
});
