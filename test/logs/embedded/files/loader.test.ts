import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runQuery, Workspace } from '../../../../src/kql';
import { parseCsv } from '../../../../src/logs/embedded/files/csv';
import { detectFormat, loadLogFile, LogFileError, parseLogText } from '../../../../src/logs/embedded/files/loader';
import { parseDateTime } from '../../../../src/logs/embedded/files/infer';
import { preludeFor } from '../../../../src/schema/prelude';

const fixture = (f: string) => path.join(__dirname, '../../../fixtures', f);
const typeOf = (t: { columns: { name: string; type: string }[] }, n: string) =>
  t.columns.find((c) => c.name === n)?.type;

describe('CSV', () => {
  test('quoted fields with commas, doubled quotes and newlines', () => {
    const recs = parseCsv('a,b,c\r\n"x, y","say ""hi""","line1\nline2"\n1,,3\n');
    expect(recs).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['x, y', 'say "hi"', 'line1\nline2'], line: 2 },
      { fields: ['1', '', '3'], line: 4 },
    ]);
  });

  test('a portal export loads with types from suffixes and known columns', () => {
    const t = loadLogFile(fixture('portal-export-azurediagnostics.csv'));
    expect(t.name).toBe('AzureDiagnostics');
    expect(t.schema).toBe('azure-diagnostics');
    expect(t.format).toBe('csv');
    expect(typeOf(t, 'TimeGenerated')).toBe('datetime');
    expect(typeOf(t, 'responseCode_d')).toBe('real');
    expect(typeOf(t, 'isRequestSuccess_b')).toBe('bool');
    expect(typeOf(t, 'DurationMs')).toBe('long');
    const rows = [...t.rows];
    expect(rows).toHaveLength(3);
    const col = (n: string) => t.columns.findIndex((c) => c.name === n);
    expect(rows[0][col('TimeGenerated')]).toEqual(new Date('2026-11-23T10:04:12.123Z'));
    expect(rows[1][col('TimeGenerated')]).toEqual(new Date('2026-11-23T13:15:00.500Z'));
    expect(rows[2][col('TimeGenerated')]).toEqual(new Date('2026-11-23T13:16:00Z'));
    expect(rows[0][col('backendResponseCode_d')]).toBeNull();
    expect(rows[1][col('url_s')]).toBe('https://contoso-apim.azure-api.net/orders/v1/orders?status=open,closed&page=1');
    expect(rows[2][col('lastError_message_s')]).toBe('Backend said: "bad gateway"\nsecond line of the message');
    expect(t.ingestionTimeOf!(rows[0])).toBeNull();
    // Columns the export left out are added (empty) so the prelude compiles and runs.
    expect(typeOf(t, 'region_s')).toBe('string');
    const ws = new Workspace();
    ws.addTable(t);
    const res = runQuery(
      ws,
      `${preludeFor('azure-diagnostics')}GatewayLogs | summarize n = count() by ApiId, ResponseCode, BackendResponseCode | order by ApiId asc`,
      { now: new Date('2026-11-23T14:00:00Z') },
    );
    expect(res.tables[0].rows).toEqual([
      ['legacy-api', 502, null, 1],
      ['orders-api', 401, null, 1],
      ['payments-api', 500, null, 1],
    ]);
  });

  test('bad CSV input reports the line', () => {
    expect(() =>
      parseLogText(
        'TimeGenerated,ApiId,ResponseCode\n2026-11-23T10:00:00Z,orders-api,200\n2026-11-23T10:00:01Z,orders-api\n',
        'csv',
      ),
    ).toThrow(/line 3: expected 3 fields .* found 2/);
    expect(() =>
      parseLogText('TimeGenerated,ApiId,ResponseCode\n2026-11-23T10:00:00Z,"orders-api,200\n', 'csv'),
    ).toThrow(/line 2: a quoted field is not closed/);
    expect(() =>
      parseLogText('TimeGenerated,ApiId,ResponseCode\n2026-11-23T10:00:00Z,orders-api,abc\n', 'csv'),
    ).toThrow(/line 2, column ResponseCode \(int\): "abc" is not a number/);
    expect(() => parseLogText('TimeGenerated,ApiId,ResponseCode\nyesterday,orders-api,200\n', 'csv')).toThrow(
      /line 2, column TimeGenerated .*not a date\/time/,
    );
    expect(() => parseLogText('TimeGenerated,ApiId,ResponseCode\n2026-11-23T10:00:00Z,or"ders,200\n', 'csv')).toThrow(
      /line 2: unexpected quote/,
    );
  });
});

describe('JSON formats', () => {
  test('NDJSON with resource-specific columns', () => {
    const t = loadLogFile(fixture('gateway-logs.ndjson'));
    expect(t.format).toBe('ndjson');
    expect(t.name).toBe('ApiManagementGatewayLogs');
    expect(t.schema).toBe('resource-specific');
    expect(typeOf(t, 'ResponseCode')).toBe('int');
    expect(typeOf(t, 'Errors')).toBe('dynamic');
    const ws = new Workspace();
    ws.addTable(t);
    const res = runQuery(
      ws,
      `${preludeFor('resource-specific')}GatewayLogs | project TimeGenerated, ResponseCode, BackendResponseCode, LastErrorMessage`,
      { now: new Date('2026-11-23T11:00:00Z') },
    );
    expect(res.tables[0].rows).toEqual([
      [
        new Date('2026-11-23T10:00:01.123Z'),
        503,
        null,
        'Backend shipping-backend is temporarily unavailable: CircuitBreaker rule shipping-breaker tripped.',
      ],
      [new Date('2026-11-23T10:00:02Z'), 200, 200, ''],
    ]);
  });

  test('JSON array in the AzureDiagnostics suffix naming (ApiId_s, ResponseCode_d), values typed by suffix even when given as strings', () => {
    const text = JSON.stringify([
      {
        TimeGenerated: '2026-11-23T10:00:00Z',
        ApiId_s: 'orders-api',
        ResponseCode_d: '401',
        ErrorReason_s: 'SubscriptionKeyInvalid',
        CorrelationId_g: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
        Extra: 5,
      },
      { TimeGenerated: '2026-11-23T10:00:01Z', ApiId_s: 'orders-api', ResponseCode_d: 200, Extra: 6.5 },
    ]);
    expect(detectFormat(text)).toBe('json');
    const t = parseLogText(text);
    expect(t.schema).toBe('azure-diagnostics-seed');
    expect(typeOf(t, 'Extra')).toBe('real');
    const rows = [...t.rows];
    expect(rows[0][2]).toBe(401);
    expect(rows[1][3]).toBe('');
  });

  test('a Log Analytics API response keeps its declared types', () => {
    const doc = {
      tables: [
        {
          name: 'PrimaryResult',
          columns: [
            { name: 'TimeGenerated', type: 'datetime' },
            { name: 'ApiId', type: 'string' },
            { name: 'ResponseCode', type: 'int' },
            { name: 'Note', type: 'string' },
          ],
          rows: [['2026-11-23T10:00:00Z', 'catalog-api', 500, '42']],
        },
      ],
    };
    const text = JSON.stringify(doc);
    expect(detectFormat(text)).toBe('la-response');
    const t = parseLogText(text);
    expect(t.name).toBe('ApiManagementGatewayLogs');
    expect(typeOf(t, 'Note')).toBe('string');
    expect([...t.rows][0].slice(0, 4)).toEqual([new Date('2026-11-23T10:00:00Z'), 'catalog-api', 500, '42']);
    expect(detectFormat(JSON.stringify(doc, null, 2))).toBe('la-response');
  });

  test('values are typed from content when no schema says otherwise', () => {
    const t = parseLogText(
      'TimeGenerated,ApiId,ResponseCode,n,x,ok,when,obj\n2026-11-23T10:00:00Z,a,200,1,1.5,true,2026-11-23T09:00:00Z,"{""a"":1}"\n',
      'auto',
    );
    expect(t.columns.slice(3, 8).map((c) => c.type)).toEqual(['long', 'real', 'bool', 'datetime', 'dynamic']);
    expect([...t.rows][0][7]).toEqual({ a: 1 });
  });

  test('malformed JSON is reported with its line', () => {
    expect(() =>
      parseLogText('{"TimeGenerated":"2026-11-23T10:00:00Z","ApiId":"a","ResponseCode":200}\n{"ApiId": oops}\n'),
    ).toThrow(/line 2: invalid JSON/);
    expect(() => parseLogText('[{"ApiId":"a"},\n 42]')).toThrow(/item 2: expected a JSON object/);
    expect(() => parseLogText('[\n{"ApiId":"a",\n"ResponseCode":}\n]', 'json')).toThrow(LogFileError);
  });
});

describe('table identification', () => {
  test('unknown columns without --table name the expected columns', () => {
    expect(() => parseLogText('TimeGenerated,Computer,Message\n2026-11-23T10:00:00Z,vm1,hello\n')).toThrow(
      /Expected ApiId and ResponseCode \(ApiManagementGatewayLogs\), apiId_s and responseCode_d \(AzureDiagnostics\).*found: TimeGenerated, Computer, Message.*--table/,
    );
  });
  test('--table loads any file under the given name', () => {
    const t = parseLogText('TimeGenerated,Computer\n2026-11-23T10:00:00Z,vm1\n', 'auto', { table: 'Heartbeat' });
    expect(t.name).toBe('Heartbeat');
    expect(t.schema).toBeNull();
    expect(() => parseLogText('a\n1\n', 'auto', { table: 'bad name' })).toThrow(/invalid table name/);
  });
  test('a gateway-log file without TimeGenerated is refused with the reason', () => {
    expect(() => parseLogText('ApiId,ResponseCode\na,200\n')).toThrow(/no TimeGenerated column/);
  });
  test('missing and empty files are explained', () => {
    expect(() => loadLogFile('/nonexistent/logs.csv')).toThrow(
      /cannot read log file "\/nonexistent\/logs.csv": no such file/,
    );
    const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'logs-')), 'empty.csv');
    fs.writeFileSync(p, '\n');
    expect(() => loadLogFile(p)).toThrow(/is empty/);
    expect(() => loadLogFile(path.dirname(p))).toThrow(/it is a directory/);
  });
});

test('large files are read in chunks (records spanning chunk boundaries survive)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-'));
  const p = path.join(dir, 'big.csv');
  const lines = ['TimeGenerated,ApiId,ResponseCode,LastErrorMessage'];
  for (let i = 0; i < 30000; i++)
    lines.push(
      `2026-11-23T10:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}:00Z,api-${i % 7},200,"multi\nline, ""quoted"" ${'x'.repeat(i % 50)}"`,
    );
  fs.writeFileSync(p, lines.join('\n'));
  const t = loadLogFile(p);
  const rows = [...t.rows];
  expect(rows).toHaveLength(30000);
  expect(rows[29999][3]).toBe(`multi\nline, "quoted" ${'x'.repeat(29999 % 50)}`);
});

test('portal date/time forms', () => {
  expect(parseDateTime('11/23/2026, 12:04:12.123 AM')).toEqual(new Date('2026-11-23T00:04:12.123Z'));
  expect(parseDateTime('11/23/2026, 12:04:12 PM')).toEqual(new Date('2026-11-23T12:04:12Z'));
  expect(parseDateTime('2026-11-23 10:04:12.1234567')).toEqual(new Date('2026-11-23T10:04:12.123Z'));
  expect(parseDateTime('2026-11-23T10:04:12+02:00')).toEqual(new Date('2026-11-23T08:04:12Z'));
  expect(parseDateTime('13/45/2026, 10:00:00 AM')).toBeNull();
  expect(parseDateTime('hello')).toBeNull();
});

test('a storage-account archive of raw diagnostic events loads as AzureDiagnostics columns', () => {
  const t = loadLogFile(fixture('storage-archive-PT1H.json'));
  expect(t.format).toBe('ndjson');
  expect(t.name).toBe('AzureDiagnostics');
  expect(t.schema).toBe('azure-diagnostics');
  expect(typeOf(t, 'lastError_reason_s')).toBe('string');
  expect(typeOf(t, 'responseCode_d')).toBe('real');
  const ws = new Workspace();
  ws.addTable(t);
  const res = runQuery(
    ws,
    `${preludeFor('azure-diagnostics')}GatewayLogs
    | project TimeGenerated, ApiId, ResponseCode, BackendId, LastErrorReason, LastErrorSection, Region, TotalTime, CallerIpAddress`,
    { now: new Date('2026-11-23T11:00:00Z') },
  );
  expect(res.tables[0].rows).toEqual([
    [
      new Date('2026-11-23T10:05:31.081Z'),
      'payments-api',
      500,
      'payments-backend',
      'BackendConnectionFailure',
      'backend',
      'East US',
      52,
      '20.81.4.17',
    ],
    [
      new Date('2026-11-23T10:05:32.500Z'),
      'orders-api',
      200,
      'orders-backend',
      '',
      '',
      'West Europe',
      61,
      '52.168.10.3',
    ],
  ]);
  // The same events wrapped as a blob document {"records":[...]}.
  const lines = fs.readFileSync(fixture('storage-archive-PT1H.json'), 'utf8').trim().split('\n');
  const wrapped = parseLogText(`{"records":[\n${lines.join(',\n')}\n]}`);
  expect(wrapped.schema).toBe('azure-diagnostics');
  expect([...wrapped.rows]).toHaveLength(2);
});
