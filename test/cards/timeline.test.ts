import { coarsen, MAX_CHART_POINTS } from '../../src/cards/timeline';

const at = (hhmmss: string) => Date.parse(`2026-11-23T${hhmmss}Z`);

describe('coarsen: at most MAX_CHART_POINTS chart points, on round clock times', () => {
  test('23 bins of 30 s from 14:11:00 become 3-minute bins on the clock (14:09, 14:12 …), sums kept', () => {
    const bins = Array.from({ length: 23 }, (_, i) => ({ t: at('14:11:00') + i * 30_000, v: { n: i + 1 } }));
    const out = coarsen(bins, 30_000);
    expect(out.bins.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    // 1 and 2 minutes would need 12 and 7 points.
    expect(out.step).toBe(180_000);
    // 14:09 holds 14:11:00 and 14:11:30 (1 + 2); the last, 14:21, holds 14:21:00 … 14:22:00 (21 + 22 + 23).
    expect(out.bins.map((b) => b.t)).toEqual(['14:09', '14:12', '14:15', '14:18', '14:21'].map((x) => at(`${x}:00`)));
    expect(out.bins[0].v.n).toBe(3);
    expect(out.bins[4].v.n).toBe(66);
    expect(out.bins.reduce((s, b) => s + b.v.n, 0)).toBe((23 * 24) / 2);
  });

  test('few bins are left as they are', () => {
    const bins = [0, 1, 2].map((i) => ({ t: at('14:00:00') + i * 60_000, v: { n: 1 } }));
    expect(coarsen(bins, 60_000)).toEqual({ bins, step: 60_000 });
  });
});
