import { generateDemoTables, demoPhase } from '../src/logs/embedded/demo/generator';
import type { Cell } from '../src/kql/types';
test('shift', () => {
  for (const schema of ['resource-specific', 'azure-diagnostics'] as const) {
    const now = Date.parse('2026-11-23T14:33:17.250Z');
    const phase = demoPhase(now);
    const a = generateDemoTables({ now: new Date(now), schema, hours: 3, baselineHours: 1 });
    const b = generateDemoTables({ now: new Date(now - phase), schema, hours: 3, baselineHours: 1 });
    const diffs: string[] = [];
    a.forEach((t, ti) => {
      const ra = Array.from(t.rows);
      const rb = Array.from(b[ti].rows);
      if (ra.length !== rb.length) diffs.push(`${t.name} rows ${ra.length} vs ${rb.length}`);
      const shift = (c: Cell): Cell => (c instanceof Date ? new Date(c.getTime() + phase) : c);
      for (let i = 0; i < Math.min(ra.length, rb.length) && diffs.length < 10; i++)
        ra[i].forEach((c, j) => {
          const x = JSON.stringify(c), y = JSON.stringify(shift(rb[i][j]));
          if (x !== y && diffs.length < 10) diffs.push(`${t.name}[${i}].${t.columns[j].name}: ${x} vs ${y}`);
        });
    });
    expect(diffs).toEqual([]);
  }
});
