/**
 * Analyses held by the CLI's parser snapshot (src/cli/parserSnapshot.ts): used only for exactly the query text and
 * tables they were made for, and listed for the next snapshot with the ones this process had to make itself.
 */
import type * as KustoModule from '../../src/kql/kusto';
import { kustoLanguage, type GlobalState } from '../../src/kql/bridge';

type Kusto = typeof KustoModule;
const HELD = '__apimTriageHeldAnalyses';

/** A fresh copy of src/kql/kusto.ts (its caches and records empty). */
function freshKusto(): Kusto {
  let m: Kusto | undefined;
  jest.isolateModules(() => {
    m = jest.requireActual<Kusto>('../../src/kql/kusto');
  });
  return m!;
}

const TEXT = 'T | where A > 1 | project B';
const TABLES = [
  {
    name: 'T',
    columns: [
      { name: 'A', type: 'long' as const },
      { name: 'B', type: 'string' as const },
    ],
  },
];
const OTHER_SCHEMA = [{ name: 'T', columns: [{ name: 'A', type: 'string' as const }] }];

/** The analysis a snapshot build makes for a request, written out here from the parser's own API. */
function analyse(request: KustoModule.AnalysisRequest) {
  const K = kustoLanguage();
  const tables = request.tables.map((t) => new K.Symbols.TableSymbol.$ctor7(t.name, t.schema, null));
  const globals: GlobalState = K.GlobalState.Default.WithDatabase(
    new K.Symbols.DatabaseSymbol.ctor(request.database, tables),
  );
  return K.KustoCode.ParseAndAnalyze(request.text, globals);
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>)[HELD];
});

test('the held analysis of the same text and tables is used; another schema or text is analysed afresh', () => {
  const first = freshKusto();
  expect(first.HELD_ANALYSES).toBe(HELD);
  const fresh = first.parseAndAnalyze(TEXT, TABLES);
  const { requests, missed } = first.analysesToHold();
  expect(missed).toBe(1);
  expect(requests).toHaveLength(1);
  expect(requests[0]).toMatchObject({ text: TEXT, tables: [{ name: 'T', schema: '(A:long, B:string)' }] });

  const code = analyse(requests[0]);
  (globalThis as Record<string, unknown>)[HELD] = new Map([[requests[0].key, { code, request: requests[0] }]]);
  const k = freshKusto();
  const held = k.parseAndAnalyze(TEXT, TABLES);
  expect(held.root).toBe(code.Syntax);
  expect(held.diagnostics).toEqual(fresh.diagnostics);
  expect(k.analysesToHold().missed).toBe(0);

  expect(k.parseAndAnalyze(TEXT, OTHER_SCHEMA).root).not.toBe(code.Syntax);
  expect(k.parseAndAnalyze('T | take 1', TABLES).root).not.toBe(code.Syntax);
  const next = k.analysesToHold();
  expect(next.missed).toBe(2);
  // most recent first, the held one kept
  expect(next.requests.map((r) => r.text)).toEqual(['T | take 1', TEXT, TEXT]);
  expect(next.requests[1].tables[0].schema).toBe('(A:string)');
});

test('a held analysis of a query with errors gives the same diagnostics as analysing it here', () => {
  const text = 'T | where Nope > 1';
  const first = freshKusto();
  const fresh = first.parseAndAnalyze(text, TABLES);
  expect(fresh.diagnostics.some((d) => d.severity === 'Error')).toBe(true);
  const [request] = first.analysesToHold().requests;
  (globalThis as Record<string, unknown>)[HELD] = new Map([[request.key, { code: analyse(request), request }]]);
  const k = freshKusto();
  const held = k.parseAndAnalyze(text, TABLES);
  expect(held.diagnostics).toEqual(fresh.diagnostics);
  expect(held.syntaxErrors).toEqual(fresh.syntaxErrors);
  // held but not asked for: still listed for the next snapshot, after the ones asked for
  (globalThis as Record<string, unknown>)[HELD] = new Map([[request.key, { code: analyse(request), request }]]);
  const idle = freshKusto();
  idle.parseAndAnalyze('T | take 2', TABLES);
  expect(idle.analysesToHold().requests.map((r) => r.text)).toEqual(['T | take 2', text]);
});
