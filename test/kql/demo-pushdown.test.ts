/**
 * The time index must never change an answer: on the demo workspace in each physical schema, the
 * triage over the GatewayLogs prelude gives the same rows with the pushable time filter as with an
 * equivalent one the engine cannot push down (TimeGenerated + 0s), while reading far fewer rows.
 */
import { Workspace, runQuery } from '../../src/kql';
import { generateDemoTables } from '../../src/logs/embedded/demo/generator';
import { preludeFor } from '../../src/schema/prelude';
import { SCHEMA_IDS } from '../../src/schema/physical';
import { warmParser } from './helpers';

beforeAll(warmParser, 60_000);

const NOW = new Date('2026-11-23T12:00:00Z');
const TRIAGE = (timeFilter: string) => `GatewayLogs
| where ${timeFilter}
| where ResponseCode >= 400 or isnotempty(LastErrorReason)
| summarize requests=count(), apis=make_set(ApiId, 10), firstSeen=min(TimeGenerated), lastSeen=max(TimeGenerated) by ResponseCode, LastErrorReason, LastErrorSource
| order by requests desc, ResponseCode asc, LastErrorReason asc, LastErrorSource asc`;

describe.each(SCHEMA_IDS)('demo workspace, schema %s', (schema) => {
  const ws = new Workspace();
  for (const t of generateDemoTables({ now: NOW, schema, hours: 6, rowsTarget: 20_000 })) ws.addTable(t);
  // The prelude reads the gateway table; the demo's Activity log (AzureActivity) is another table.
  const total = ws
    .tableNames()
    .filter((n) => n !== 'AzureActivity')
    .reduce((s, n) => s + ws.rowCount(n), 0);

  test('pushdown through the prelude gives the same answer from a fraction of the rows', () => {
    const fast = runQuery(ws, preludeFor(schema) + TRIAGE('TimeGenerated > ago(15m)'), { now: NOW });
    const slow = runQuery(ws, preludeFor(schema) + TRIAGE('TimeGenerated + 0s > ago(15m)'), { now: NOW });
    expect(fast.tables[0].rows.length).toBeGreaterThan(3);
    expect(fast.tables[0].rows).toEqual(slow.tables[0].rows);
    expect(slow.rowsExamined).toBe(total);
    expect(fast.rowsExamined).toBeLessThan(total / 5);
  });

  test('between over the view matches the unpushed form too', () => {
    const w = 'between (datetime(2026-11-23T10:00:00Z) .. datetime(2026-11-23T11:00:00Z))';
    const fast = runQuery(ws, preludeFor(schema) + TRIAGE(`TimeGenerated ${w}`), { now: NOW });
    const slow = runQuery(ws, preludeFor(schema) + TRIAGE(`TimeGenerated + 0s ${w}`), { now: NOW });
    expect(fast.tables[0].rows).toEqual(slow.tables[0].rows);
    expect(fast.rowsExamined).toBeLessThan(slow.rowsExamined);
  });
});
