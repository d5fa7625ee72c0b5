import { coarsen, MAX_CHART_POINTS } from '../../src/cards/timeline';

const at = (hhmmss: string) => Date.parse(`2026-11-23T${hhmmss}Z`);
const minutes = (from: string, n: number, value: (i: number) => number) =>
  Array.from({ length: n }, (_, i) => ({ t: at(from) + i * 60_000, v: { n: value(i) } }));

describe('coarsen: at most MAX_CHART_POINTS chart points, on round clock times', () => {
  test('at most 8 points', () => {
    expect(MAX_CHART_POINTS).toBe(8);
  });

  test('23 bins of 30 s from 14:11:00 become 2-minute bins on the clock (14:10, 14:12 …), sums kept', () => {
    const bins = Array.from({ length: 23 }, (_, i) => ({ t: at('14:11:00') + i * 30_000, v: { n: i + 1 } }));
    const out = coarsen(bins, 30_000);
    // 1 minute would need 12 points; no round size starts exactly at 14:11, so the smallest that fits wins.
    expect(out.step).toBe(120_000);
    expect(out.bins.map((b) => b.t)).toEqual(
      ['14:10', '14:12', '14:14', '14:16', '14:18', '14:20', '14:22'].map((x) => at(`${x}:00`)),
    );
    // 14:10 holds 14:11:00 and 14:11:30 (1 + 2); 14:22 holds only 14:22:00 (23).
    expect(out.bins[0].v.n).toBe(3);
    expect(out.bins[6].v.n).toBe(23);
    expect(out.bins.reduce((s, b) => s + b.v.n, 0)).toBe((23 * 24) / 2);
  });

  test('15 one-minute bins from 14:15: 3-minute bins (5 whole ones) beat 2-minute bins with half-filled edges', () => {
    const out = coarsen(
      minutes('14:15:00', 15, () => 10),
      60_000,
    );
    expect(out.step).toBe(180_000);
    expect(out.bins.map((b) => b.v.n)).toEqual([30, 30, 30, 30, 30]);
    expect(out.bins[0].t).toBe(at('14:15:00'));
  });

  test('a percentile is merged by its worst value, not added up', () => {
    const p95 = [100, 900, 200, 150, 120, 110, 130, 400, 100, 100, 90, 95, 80, 85, 70];
    const out = coarsen(
      minutes('14:15:00', 15, (i) => p95[i]),
      60_000,
      'max',
    );
    expect(out.bins.map((b) => b.v.n)).toEqual([900, 150, 400, 100, 85]);
  });

  test('few bins are left as they are', () => {
    const bins = [0, 1, 2].map((i) => ({ t: at('14:00:00') + i * 60_000, v: { n: 1 } }));
    expect(coarsen(bins, 60_000)).toEqual({ bins, step: 60_000 });
  });
});
