import { analyzeQuery, runQuery, Workspace } from '../../src/kql';
import { GATEWAY_LOGS_COLUMNS } from '../../src/schema/logical';
import { PHYSICAL_SCHEMAS, SCHEMA_IDS, type SchemaId } from '../../src/schema/physical';
import { detectSchema, preludeFor } from '../../src/schema/prelude';
import { demoEvents, generateDemoTables } from '../../src/logs/embedded/demo/generator';
import { FOREIGN_ROWS_PER_HOUR } from '../../src/logs/embedded/demo/foreign';

const now = new Date('2026-11-23T12:00:00Z');

describe.each(SCHEMA_IDS)('prelude for %s', (schema: SchemaId) => {
  const physical = PHYSICAL_SCHEMAS[schema];
  const prelude = preludeFor(schema);

  test('is a single let statement ending in a newline', () => {
    expect(prelude.startsWith(`let GatewayLogs = ${physical.table}\n`)).toBe(true);
    expect(prelude.endsWith(';\n')).toBe(true);
  });

  test('passes Kusto semantic analysis against the physical schema', () => {
    const diags = analyzeQuery(`${prelude}GatewayLogs | take 1`, [{ name: physical.table, columns: physical.columns }]);
    expect(diags.filter((d) => d.severity === 'Error')).toEqual([]);
  });

  test('projects exactly the logical columns, in order, with their types', () => {
    const ws = new Workspace();
    for (const t of generateDemoTables({ now, schema, hours: 1, rowsTarget: 2000 })) ws.addTable(t);
    const res = runQuery(ws, `${prelude}GatewayLogs | take 1`, { now });
    expect(res.tables[0].columns).toEqual(GATEWAY_LOGS_COLUMNS);
    expect(res.tables[0].rows).toHaveLength(1);
  });

  test("keeps exactly the gateway rows (AzureDiagnostics also holds other services' rows)", () => {
    const ws = new Workspace();
    const [t] = generateDemoTables({ now, schema, hours: 2, rowsTarget: 1000 });
    ws.addTable(t);
    const gateway = [...demoEvents({ now, hours: 2, rowsTarget: 1000 })].length;
    const all = ws.rowCount(t.name);
    expect(all).toBe(physical.table === 'AzureDiagnostics' ? gateway + 2 * FOREIGN_ROWS_PER_HOUR : gateway);
    expect(runQuery(ws, `${prelude}GatewayLogs | count`, { now }).tables[0].rows).toEqual([[gateway]]);
  });

  test('maps the demo incident to the same logical values', () => {
    const ws = new Workspace();
    for (const t of generateDemoTables({ now, schema, hours: 1, rowsTarget: 2000 })) ws.addTable(t);
    const q = `${prelude}GatewayLogs | where LastErrorMessage has "RemoteCertificateValidationCallback"
      | summarize n = count(), backendCodes = countif(isnotnull(BackendResponseCode)) by ApiId, BackendId, ResponseCode, LastErrorSource, LastErrorSection`;
    const rows = runQuery(ws, q, { now }).tables[0].rows;
    expect(rows).toEqual([['payments-api', 'payments-backend', 500, 'forward-request', 'backend', 500, 0]]);
  });
});

test('the azure-diagnostics-seed prelude derives BackendId from BackendUrl_s when BackendId_s is absent', () => {
  const seed = PHYSICAL_SCHEMAS['azure-diagnostics-seed'];
  const columns = seed.columns.filter((c) => c.name !== 'BackendId_s' && c.name !== 'Region_s');
  const row = columns.map((c) => {
    switch (c.name) {
      case 'TimeGenerated':
        return '2026-11-23T11:59:00Z';
      case 'ResourceProvider':
        return 'MICROSOFT.APIMANAGEMENT';
      case 'Category':
        return 'GatewayLogs';
      case 'ApiId_s':
        return 'shipping-api';
      case 'ResponseCode_d':
        return 503;
      case 'BackendUrl_s':
        return 'https://shipping-backend:8443/shipments';
      default:
        return c.type === 'string' ? '' : null;
    }
  });
  const diags = analyzeQuery(`${preludeFor('azure-diagnostics-seed')}GatewayLogs | take 1`, [
    { name: 'AzureDiagnostics', columns },
  ]);
  expect(diags.filter((d) => d.severity === 'Error')).toEqual([]);
  const ws = new Workspace();
  ws.addTable({ name: 'AzureDiagnostics', columns, rows: [row] });
  const res = runQuery(
    ws,
    `${preludeFor('azure-diagnostics-seed')}GatewayLogs | project ApiId, BackendId, Region, ResponseCode, BackendResponseCode`,
    { now },
  );
  expect(res.tables[0].rows).toEqual([['shipping-api', 'shipping-backend', '', 503, null]]);
});

describe('detectSchema', () => {
  test('identifies each physical schema from its columns', () => {
    for (const id of SCHEMA_IDS) {
      const s = PHYSICAL_SCHEMAS[id];
      expect(detectSchema([{ name: s.table, columns: s.columns }])).toBe(id);
    }
  });
  test('prefers the resource-specific table when a workspace has both', () => {
    const rs = PHYSICAL_SCHEMAS['resource-specific'];
    const ad = PHYSICAL_SCHEMAS['azure-diagnostics'];
    expect(
      detectSchema([
        { name: ad.table, columns: ad.columns },
        { name: rs.table, columns: rs.columns },
      ]),
    ).toBe('resource-specific');
  });
  test('returns null when no gateway-log shape is present', () => {
    expect(detectSchema([])).toBeNull();
    expect(
      detectSchema([{ name: 'AzureDiagnostics', columns: [{ name: 'TimeGenerated' }, { name: 'Category' }] }]),
    ).toBeNull();
    expect(
      detectSchema([
        { name: 'Heartbeat', columns: [{ name: 'ApiId' }, { name: 'ResponseCode' }, { name: 'TimeGenerated' }] },
      ]),
    ).toBeNull();
  });
});

test('the analysis check is not vacuous: a prelude against the wrong physical schema fails', () => {
  const real = PHYSICAL_SCHEMAS['azure-diagnostics'];
  const diags = analyzeQuery(`${preludeFor('azure-diagnostics-seed')}GatewayLogs | take 1`, [
    { name: real.table, columns: real.columns },
  ]);
  const errors = diags.filter((d) => d.severity === 'Error');
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.map((d) => d.message).join('\n')).toMatch(/ApiId_s/);
});
