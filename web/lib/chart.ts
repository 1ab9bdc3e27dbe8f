// Geometry of the weekly spam/ham bar chart: a pair of bars per week scaled
// to the largest count, as plain numbers so it can be tested without a DOM.
import type { WeeklyCount } from '../api/types.js';

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  kind: 'spam' | 'ham';
  count: number;
  week: string;
}

export function weeklyBars(weeks: readonly WeeklyCount[], width: number, height: number): { bars: Bar[]; max: number } {
  const max = Math.max(1, ...weeks.map((w) => Math.max(w.spam, w.ham)));
  const slot = weeks.length ? width / weeks.length : width;
  const barW = Math.max(2, slot * 0.35);
  const bars: Bar[] = [];
  weeks.forEach((w, i) => {
    (['spam', 'ham'] as const).forEach((kind, j) => {
      const h = (w[kind] / max) * height;
      bars.push({ x: i * slot + slot * 0.12 + j * barW, y: height - h, width: barW, height: h, kind, count: w[kind], week: w.week });
    });
  });
  return { bars, max };
}
