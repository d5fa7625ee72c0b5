/**
 * dcount over dictionary codes / value ids and percentiles over typed values, compared with counts and
 * nearest ranks computed here from the raw rows (Sets and sorted arrays per group).
 */
import fc from 'fast-check';
import { cols, rowsOf, warmParser, workspace } from './helpers';

beforeAll(warmParser);

interface Row {
  G: string;
  S: string;
  N: number | null;
}

const rowArb = fc.record({
  G: fc.constantFrom('a', 'b', 'c', ''),
  S: fc.constantFrom('', 'x', 'y', 'z', 'X', '10.0.0.1', '10.0.0.2'),
  N: fc.option(fc.integer({ min: -50, max: 50 }), { nil: null, freq: 5 }),
});

function byGroup(rows: Row[]): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of rows) m.set(r.G, [...(m.get(r.G) ?? []), r]);
  return m;
}

function nearest(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

/** The rows as table T (G, S, N). */
function tableOf(rows: Row[]) {
  return workspace({ name: 'T', columns: cols('G:string,S:string,N:long'), rows: rows.map((r) => [r.G, r.S, r.N]) });
}

test('dcount and percentiles per group match sets and nearest ranks of the raw rows', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 200 }), (rows) => {
      const ws = tableOf(rows);
      const got = rowsOf(
        ws,
        'T | summarize ds = dcount(S), dn = dcount(N), dc = dcount(strcat(S, "!")), di = dcountif(S, N > 0), ' +
          'p = percentile(N, 50), percentiles(N, 5, 95, 100), pc = percentile(N * 2, 90) by G | order by G asc',
      );
      const expected = [...byGroup(rows)]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([G, rs]) => {
          const nums = rs.map((r) => r.N).filter((n): n is number => n !== null);
          return {
            G,
            ds: new Set(rs.map((r) => r.S)).size,
            dn: new Set(nums).size,
            dc: new Set(rs.map((r) => r.S)).size,
            di: new Set(rs.filter((r) => r.N !== null && r.N > 0).map((r) => r.S)).size,
            p: nearest(nums, 50),
            percentile_N_5: nearest(nums, 5),
            percentile_N_95: nearest(nums, 95),
            percentile_N_100: nearest(nums, 100),
            pc: nearest(
              nums.map((n) => n * 2),
              90,
            ),
          };
        });
      expect(got).toEqual(expected);
    }),
    { numRuns: 60 },
  );
});

test('make_set over dictionary codes: first-seen distinct values per group, limit and predicate honoured', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 4 }), (rows, limit) => {
      const ws = tableOf(rows);
      const got = rowsOf(
        ws,
        `T | where N != 0 | summarize s = make_set(S), sl = make_set(S, ${limit}), si = make_set_if(S, N > 0, ${limit}) by G`,
      );
      // reference: groups in first-seen order, each set in first-seen order (null N != 0 is true: kept)
      const kept = rows.filter((r) => r.N !== 0);
      const expected = [...byGroup(kept)].map(([G, rs]) => {
        const distinct = (xs: Row[]) => [...new Set(xs.map((r) => r.S))];
        return {
          G,
          s: distinct(rs),
          sl: distinct(rs).slice(0, limit),
          si: distinct(rs.filter((r) => r.N !== null && r.N > 0)).slice(0, limit),
        };
      });
      expect(got).toEqual(expected);
    }),
    { numRuns: 100 },
  );
});
