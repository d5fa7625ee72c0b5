/**
 * "what changed" and the line on triage: on the demo workspace in each physical schema, the changes listed equal
 * the control-plane writes the generator put in its Activity log for that span (picked here in plain TypeScript
 * from the generator's own list), and the TLS rejections on payments-api are placed 3 minutes after alice's
 * backends/write, counted from the generated events. A workspace without AzureActivity is told how to route it.
 */
import { Workspace } from '../../src/kql';
import type { Cell } from '../../src/kql/types';
import { SCHEMA_IDS } from '../../src/schema/physical';
import { generateDemoTables } from '../../src/logs/embedded/demo/generator';
import { BACKGROUND_CHANGES } from '../../src/logs/embedded/demo/activity';
import { SCENARIOS } from '../../src/logs/embedded/demo/scenarios';
import { EmbeddedSource } from '../../src/logs/embedded/embeddedSource';
import type { LogSource } from '../../src/logs/source/logSource';
import { TriageService } from '../../src/triage';
import { str } from '../../src/recipes/interpret';
import { NOW, answerOf, demoService, inWindow } from './demoCounts';

const MIN = 60_000;
const HOURS = 2.5;

/** The generator's changes that the recipe must list: APIM writes and deletes that finished in [from, to]. */
function expectedChanges(fromAgoMin: number, toAgoMin = 0, api?: string) {
  return [SCENARIOS.contoso.change, ...BACKGROUND_CHANGES]
    .filter((c) => !c.otherResourceId && /^(write|delete)$/.test(c.verb))
    .filter((c) => c.agoMin <= fromAgoMin && c.agoMin >= toAgoMin && c.agoMin < HOURS * 60)
    .filter((c) => !api || !c.target.startsWith('apis/') || c.target.startsWith(`apis/${api}/`))
    .sort((a, b) => a.agoMin - b.agoMin)
    .map((c) => ({
      time: new Date(NOW.getTime() - c.agoMin * MIN).toISOString(),
      target: c.target.toLowerCase(),
      caller: c.caller,
      status: c.failed ? 'Failure' : 'Success',
    }));
}

const rowsAsChanges = (rows: Cell[][]) =>
  rows.map(([time, , target, caller, status]) => ({
    time: str(time),
    target,
    caller,
    status,
  }));

describe.each(SCHEMA_IDS)('what changed (%s)', (schema) => {
  const { service, events } = demoService({ now: NOW, hours: HOURS, schema });

  it.each([
    { text: 'what changed', fromAgoMin: 15 + 60, api: undefined },
    { text: 'what changed last 1h', fromAgoMin: 60 + 60, api: undefined },
    { text: 'what changed on orders-api last 2h', fromAgoMin: 120 + 60, api: 'orders-api' },
  ])('$text lists the writes of the window and the hour before it', async ({ text, fromAgoMin, api }) => {
    const answer = await answerOf(service, text);
    expect(answer.command.kind).toBe('changes');
    const want = expectedChanges(fromAgoMin, 0, api);
    expect(want.length).toBeGreaterThan(1);
    const section = answer.sections.find((s) => s.table.name === 'changes')!;
    expect(rowsAsChanges(section.table.rows)).toEqual(want);
    expect(answer.summary).toMatch(new RegExp(`^${want.length} control-plane changes to API Management`));
    // The Activity log has one shape in every workspace: no gateway view before it.
    expect(answer.kql.startsWith('// recipe: changes\n')).toBe(true);
    // The gateway logs' delay is not the Activity log's: no claim about how complete it is.
    expect(answer.freshness).toBeUndefined();
    expect(answer.notes.filter((n) => n.startsWith('Logs are complete'))).toEqual([]);
  });

  it('triage places the TLS rejections 3 minutes after the backends/write before them', async () => {
    const answer = await answerOf(service, 'triage');
    const tls = answer.findings.find((f) => f.signature === 'backend-tls-rejected')!;
    const firstSeen = Math.min(
      ...inWindow(events, 15)
        .filter((e) => e.signature === 'backend-tls-rejected')
        .map((e) => e.time),
    );
    const change = NOW.getTime() - SCENARIOS.contoso.change.agoMin * MIN;
    const minutes = Math.round((firstSeen - change) / MIN);
    expect(minutes).toBe(3);
    const line = `Began ${minutes} min after a backends/write of backends/payments-backend by alice@contoso.com at 14:14 UTC.`;
    expect(tls.related).toContain(line);
    expect(answer.notes).toContain(
      `#${tls.rank} began ${minutes} min after a backends/write of backends/payments-backend by alice@contoso.com at 14:14 UTC: "what changed" lists the control-plane changes.`,
    );
    // The breaker on another backend began after it too, but that write did not touch its backend.
    const breaker = answer.findings.find((f) => f.signature === 'circuit-breaker-open')!;
    expect(breaker.related?.some((r) => r.includes('backends/write'))).toBeFalsy();
  });
});

describe('a workspace without the Activity log', () => {
  const tables = generateDemoTables({ now: NOW, hours: 1 }).filter((t) => t.name !== 'AzureActivity');
  const ws = new Workspace();
  for (const t of tables) ws.addTable(t);
  const embedded = new EmbeddedSource(ws, { name: 'export', now: () => NOW });

  it('gets told how to route it there, and triage answers as before', async () => {
    const service = new TriageService({ source: embedded, now: () => NOW });
    const answer = await answerOf(service, 'what changed');
    expect(answer.summary).toBe('No Activity log in this workspace');
    expect(answer.notes.join(' ')).toMatch(/diagnostic setting on the subscription .* Administrative category/);
    const triage = await answerOf(service, 'triage');
    expect(triage.findings.length).toBeGreaterThan(0);
    expect(triage.findings.some((f) => f.related?.some((r) => r.startsWith('Began ')))).toBe(false);
  });

  it('reads Log Analytics\' "Failed to resolve table" the same way', async () => {
    const logAnalyticsLike: LogSource = {
      info: { kind: 'log-analytics', workspace: 'ws' },
      query: (request) =>
        /^\s*AzureActivity\b/m.test(request.kql)
          ? Promise.reject(
              new Error("'where' operator: Failed to resolve table or column expression named 'AzureActivity'"),
            )
          : embedded.query(request),
    };
    const service = new TriageService({ source: logAnalyticsLike, now: () => NOW });
    const answer = await answerOf(service, 'what changed last 1h');
    expect(answer.summary).toBe('No Activity log in this workspace');
    expect(answer.notes.join(' ')).toMatch(/Export Activity Logs/);
  });
});
