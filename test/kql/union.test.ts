import { KqlError, runQuery, Workspace } from '../../src/kql';
import type { LogSource } from '../../src/logs/source/logSource';
import { generateDemoTables } from '../../src/logs/embedded/demo/generator';
import { probeQuery, probeSchema } from '../../src/schema/probe';
import type { SchemaId } from '../../src/schema/physical';
import { cols, NOW, warmParser, workspace } from './helpers';

beforeAll(warmParser, 60_000);

// A and B share X:long; Y is a string in A and a long in B; Z only in B; W only in C.
const ws = workspace(
  {
    name: 'A',
    columns: cols('X:long, Y:string'),
    rows: [
      [1, 'a1'],
      [2, 'a2'],
    ],
  },
  { name: 'B', columns: cols('X:long, Z:real, Y:long'), rows: [[3, 0.5, 30]] },
  {
    name: 'C',
    columns: cols('X:long, W:string'),
    rows: [
      [4, 'c4'],
      [5, 'c5'],
    ],
  },
);

const run = (q: string) => runQuery(ws, q, { now: NOW }).tables[0];
const schemaOf = (q: string) => run(q).columns.map((c) => `${c.name}:${c.type}`);

describe('union', () => {
  test.each<[string, string, string[], unknown[][]]>([
    [
      'outer (default): all columns, missing string cells empty, others null',
      'union A, C',
      ['X:long', 'Y:string', 'W:string'],
      [
        [1, 'a1', ''],
        [2, 'a2', ''],
        [4, '', 'c4'],
        [5, '', 'c5'],
      ],
    ],
    [
      'kind=outer spelled out',
      'union kind=outer C, A',
      ['X:long', 'W:string', 'Y:string'],
      [
        [4, 'c4', ''],
        [5, 'c5', ''],
        [1, '', 'a1'],
        [2, '', 'a2'],
      ],
    ],
    [
      'a name with two types becomes one column per type (Name_type)',
      'union A, B',
      ['X:long', 'Y_string:string', 'Y_long:long', 'Z:real'],
      [
        [1, 'a1', null, null],
        [2, 'a2', null, null],
        [3, '', 30, 0.5],
      ],
    ],
    ['kind=inner keeps only columns common to all legs', 'union kind=inner A, C', ['X:long'], [[1], [2], [4], [5]]],
    ['kind=inner: same name with different types is not common', 'union kind=inner A, B', ['X:long'], [[1], [2], [3]]],
    [
      'piped input is the first leg',
      'C | where X == 5 | union (A | where X == 1)',
      ['X:long', 'W:string', 'Y:string'],
      [
        [5, 'c5', ''],
        [1, '', 'a1'],
      ],
    ],
    [
      'withsource names tables, lets, and union_argN for sub-queries',
      'let L = A | where X == 2; union withsource=Src C, L, (A | where X == 1)',
      ['Src:string', 'X:long', 'W:string', 'Y:string'],
      [
        ['C', 4, 'c4', ''],
        ['C', 5, 'c5', ''],
        ['L', 2, '', 'a2'],
        ['union_arg2', 1, '', 'a1'],
      ],
    ],
    [
      'withsource with a piped table input',
      'A | union withsource=T C | project T, X',
      ['T:string', 'X:long'],
      [
        ['A', 1],
        ['A', 2],
        ['C', 4],
        ['C', 5],
      ],
    ],
    [
      'withsource with a piped sub-query input is union_arg0',
      'A | where X == 1 | union withsource=T C | project T, X',
      ['T:string', 'X:long'],
      [
        ['union_arg0', 1],
        ['C', 4],
        ['C', 5],
      ],
    ],
    [
      'withsource + kind=inner',
      'union withsource=S kind=inner A, C',
      ['S:string', 'X:long'],
      [
        ['A', 1],
        ['A', 2],
        ['C', 4],
        ['C', 5],
      ],
    ],
    [
      'isfuzzy=true drops legs naming a missing table',
      'union isfuzzy=true (Missing | where Q > 1 | project W), A',
      ['X:long', 'Y:string'],
      [
        [1, 'a1'],
        [2, 'a2'],
      ],
    ],
    [
      'isfuzzy=true: schema is the outer union of the resolved legs, in leg order',
      'union isfuzzy=true withsource=S C, Nope, (B | project X, Z)',
      ['S:string', 'X:long', 'W:string', 'Z:real'],
      [
        ['C', 4, 'c4', null],
        ['C', 5, 'c5', null],
        ['union_arg2', 3, '', 0.5],
      ],
    ],
    [
      'isfuzzy=true with every table present is a plain union',
      'union isfuzzy=true A, C | count',
      ['Count:long'],
      [[4]],
    ],
    ['isfuzzy=false is the default', 'union isfuzzy=false A, C | count', ['Count:long'], [[4]]],
    [
      'operators after a fuzzy union see the resolved columns',
      'union isfuzzy=true Missing, C | summarize n = count(), top = max(X)',
      ['n:long', 'top:long'],
      [[2, 5]],
    ],
    [
      'extend after kind=inner carries only the common columns',
      'union kind=inner A, C | extend k = X * 10, strlen("ab")',
      ['X:long', 'k:long', 'strlen_:long'],
      [
        [1, 10, 2],
        [2, 20, 2],
        [4, 40, 2],
        [5, 50, 2],
      ],
    ],
    [
      'project-away after kind=inner',
      'union kind=inner withsource=S A, C | project-away X',
      ['S:string'],
      [['A'], ['A'], ['C'], ['C']],
    ],
    ['distinct * after kind=inner', 'union kind=inner A, C, A | distinct *', ['X:long'], [[1], [2], [4], [5]]],
    [
      'extend after a fuzzy union that left a leg out',
      'union isfuzzy=true C, (Missing | project Q = 1) | extend k = 1',
      ['X:long', 'W:string', 'k:long'],
      [
        [4, 'c4', 1],
        [5, 'c5', 1],
      ],
    ],
    [
      'wildcard legs expand to matching tables',
      'union withsource=S A* | project S, X',
      ['S:string', 'X:long'],
      [
        ['A', 1],
        ['A', 2],
      ],
    ],
    [
      'withsource as a string literal, and the with_source spelling',
      'union withsource="S" C | union with_source=T A | project S, T, X',
      ['S:string', 'T:string', 'X:long'],
      [
        ['C', 'union_arg0', 4],
        ['C', 'union_arg0', 5],
        ['', 'A', 1],
        ['', 'A', 2],
      ],
    ],
    ['execution hints are accepted and ignored', 'union hint.concurrency=2 A, C | count', ['Count:long'], [[4]]],
  ])('%s', (_label, q, schema, rows) => {
    const t = run(q);
    expect(t.columns.map((c) => `${c.name}:${c.type}`)).toEqual(schema);
    expect(t.rows).toEqual(rows);
  });

  test("a nested fuzzy union's missing table does not drop the outer leg around it", () => {
    const q =
      'union isfuzzy=true Gone, (A | join kind=inner (union isfuzzy=true Missing, C | project X = X - 3, W) on X | project X, W)';
    expect(run(q).rows).toEqual([
      [1, 'c4'],
      [2, 'c5'],
    ]);
  });

  test('ingestion_time() survives a union of base tables', () => {
    const t0 = Date.parse('2026-11-23T10:00:00Z');
    const withIngest = (name: string, x: number) => ({
      name,
      columns: cols('X:long'),
      rows: [[x]],
      ingestionTimeOf: () => new Date(t0 + x * 1000),
    });
    const w = workspace(withIngest('I1', 1), withIngest('I2', 2));
    const t = runQuery(w, 'union I1, I2 | extend t = ingestion_time() | project X, t', { now: NOW }).tables[0];
    expect(t.rows).toEqual([
      [1, new Date(t0 + 1000)],
      [2, new Date(t0 + 2000)],
    ]);
  });

  test("for a plain outer union the computed schema equals the Kusto analyzer's", () => {
    // The analyzer's result type for the union feeds `getschema`-free operators downstream; they must agree.
    expect(schemaOf('union A, B, C')).toEqual(['X:long', 'Y_string:string', 'Y_long:long', 'Z:real', 'W:string']);
    expect(schemaOf('union A, B, C | project X, Y_long, W')).toEqual(['X:long', 'Y_long:long', 'W:string']);
  });

  test.each<[string, string, RegExp]>([
    [
      'a missing table without isfuzzy is a semantic error',
      'union A, Missing',
      /KS204 The name 'Missing' does not refer to any known table/,
    ],
    [
      'isfuzzy=true with no leg resolving fails, as in Kusto',
      'union isfuzzy=true Missing, (Other | take 1)',
      /isfuzzy=true failed to resolve table: none of its legs refers to a table in this workspace \(Missing, Other\)\. Tables here: A, B, C\./,
    ],
    ['fuzzy does not hide errors inside a resolved leg', 'union isfuzzy=true Missing, (A | where Nope > 1)', /Nope/],
    [
      'a column only a dropped leg had is unknown afterwards',
      'union isfuzzy=true (Missing | project W2 = 1), A | project W2',
      /'W2' does not refer to any known column/,
    ],
  ])('semantic error: %s', (_label, q, message) => {
    let err: unknown;
    try {
      run(q);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KqlError);
    expect((err as KqlError).kind).toBe('semantic');
    expect((err as KqlError).message).toMatch(message);
  });

  test.each<[string, string, RegExp]>([
    ['an unknown kind', 'union kind=full A, C', /KS005 Expected one of: inner, outer/],
    ['a non-boolean isfuzzy', 'union isfuzzy=maybe A', /KS223 Boolean literal expected/],
    [
      'an unknown parameter (a syntax error for the parser)',
      'union bogus=1 A',
      /Syntax error at line 1, column 12: KS198/,
    ],
    [
      'withsource given twice',
      'union withsource=S withsource=T A',
      /KS180 The parameter 'withsource' is already specified/,
    ],
  ])('bad union parameters are rejected by the analyzer with its own message: %s', (_label, q, message) => {
    expect(() => run(q)).toThrow(KqlError);
    expect(() => run(q)).toThrow(message);
  });
});

describe('schema probe runs as ONE fuzzy union on the embedded engine', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const window = { from: new Date(now.getTime() - 24 * 3_600_000), to: now };

  function demo(schema: SchemaId): Workspace {
    const w = new Workspace();
    for (const t of generateDemoTables({ now, schema, hours: 1, rowsTarget: 300 })) w.addTable(t);
    return w;
  }

  test.each<[SchemaId, string]>([
    ['resource-specific', 'ApiManagementGatewayLogs'],
    ['azure-diagnostics', 'AzureDiagnostics'],
    ['azure-diagnostics-seed', 'AzureDiagnostics'],
  ])('%s workspace (gateway logs only in %s): probeQuery answers directly', (schema, table) => {
    const w = demo(schema);
    expect(w.tableNames().sort()).toEqual(['AzureActivity', table].sort());
    const t = runQuery(w, probeQuery(window), { now }).tables[0];
    expect(t.columns).toEqual([{ name: 'Schema', type: 'string' }]);
    expect(t.rows).toEqual([[schema]]);
  });

  test.each<SchemaId>(['resource-specific', 'azure-diagnostics'])(
    'probeSchema over %s sends exactly one query',
    async (schema) => {
      const w = demo(schema);
      const calls: string[] = [];
      const src: LogSource = {
        info: { kind: 'embedded', workspace: 'demo' },
        query: (req) =>
          new Promise((resolve) => {
            calls.push(req.kql);
            const r = runQuery(w, req.kql, { now });
            resolve({ tables: r.tables, stats: { elapsedMs: 0, rowsExamined: r.rowsExamined } });
          }),
      };
      await expect(probeSchema(src, window)).resolves.toEqual({ schema });
      expect(calls).toEqual([probeQuery(window)]);
    },
  );

  test('an empty workspace: the fuzzy union fails the way the probe reads as "no gateway tables"', async () => {
    const src: LogSource = {
      info: { kind: 'embedded', workspace: 'empty' },
      // runQuery throws here: the executor turns that into a rejection, as a real source reports errors
      query: (req) =>
        new Promise((resolve) => {
          const r = runQuery(new Workspace(), req.kql, { now });
          resolve({ tables: r.tables, stats: { elapsedMs: 0, rowsExamined: r.rowsExamined } });
        }),
    };
    await expect(probeSchema(src, window)).resolves.toMatchObject({ schema: null });
    expect(() => runQuery(new Workspace(), probeQuery(window), { now })).toThrow(
      /failed to resolve table.*ApiManagementGatewayLogs, AzureDiagnostics.*Tables here: \(none\)/,
    );
  });
});
