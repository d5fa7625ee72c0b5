/**
 * Workspaces the corpus runs on: the demo in a physical schema, plus (for the AI-gateway queries) a small
 * ApiManagementGatewayLlmLog whose rows share CorrelationIds with the demo's gateway rows, as the real
 * tables do. Workbook parameters are replaced the way the portal fills them in.
 */
import { Workspace, type TableInput } from '../../src/kql';
import type { Cell } from '../../src/kql/types';
import { generateDemoTables } from '../../src/logs/embedded/demo/generator';
import { cols } from '../kql/helpers';
import type { CorpusQuery, CorpusSchema } from './corpus';

export const NOW = new Date('2026-11-23T12:00:00Z');
const HOUR = 3_600_000;

/** The LLM log's columns as the table reference lists them. */
const LLM_COLUMNS = cols(
  'TenantId:string, TimeGenerated:datetime, OperationName:string, CorrelationId:string, Region:string, ' +
    'DeploymentName:string, ModelName:string, ApiVersion:string, RequestId:string, PromptTokens:int, ' +
    'CompletionTokens:int, TotalTokens:int, IsStreamCompletion:bool, SequenceNumber:int, ' +
    'RequestMessages:dynamic, ResponseMessages:dynamic, SourceSystem:string, Type:string, _ResourceId:string',
);

const MODELS = [
  { deployment: 'gpt-4o', model: 'gpt-4o-2024-08-06', version: '2024-10-21' },
  { deployment: 'gpt-4o-mini', model: 'gpt-4o-mini-2024-07-18', version: '2024-10-21T00:00:00.0000000' },
  { deployment: '', model: '', version: '2024-02-01' },
];

/** One LLM record for every 40th gateway request (a stream of two records for every 3rd of those). */
function llmTable(gateway: TableInput): TableInput {
  const names = gateway.columns.map((c) => c.name);
  const time = names.indexOf('TimeGenerated');
  const corr = names.indexOf('CorrelationId');
  const rows: Cell[][] = [];
  let k = 0;
  for (const r of gateway.rows) {
    if (k++ % 40 !== 0) continue;
    const n = rows.length;
    const m = MODELS[n % MODELS.length];
    const prompt = 20 + (n % 7) * 11;
    const completion = 5 + (n % 5) * 13;
    const stream = n % 3 === 0;
    const base = [
      'b3e9d1a7-5c2f-4e8b-a6d4-0f7c9e2b1a53',
      r[time],
      'ChatCompletions_Create',
      r[corr],
      'West Europe',
      m.deployment,
      m.model,
      m.version,
      `chatcmpl-${n}`,
    ];
    const messages = (seq: number): Cell[] => [
      [{ role: 'user', content: `question ${n}` }],
      [{ role: 'assistant', content: `answer ${n}.${seq}` }],
    ];
    const tail = ['Azure', 'ApiManagementGatewayLlmLog', '/subscriptions/x/apim/contoso-apim'];
    rows.push([...base, prompt, completion, prompt + completion, stream, 0, ...messages(0), ...tail]);
    if (stream) rows.push([...base, 0, 0, 0, true, 1, ...messages(1), ...tail]);
  }
  return { name: 'ApiManagementGatewayLlmLog', columns: LLM_COLUMNS, rows };
}

const cache = new Map<CorpusSchema, Workspace>();

/** 26 hours of demo traffic ending at NOW (the corpus looks back up to a day; a few look further). */
export function workspaceFor(schema: CorpusSchema): Workspace {
  let ws = cache.get(schema);
  if (ws) return ws;
  ws = new Workspace();
  const physical = schema === 'azure-diagnostics' ? 'azure-diagnostics' : 'resource-specific';
  const tables = generateDemoTables({ now: NOW, schema: physical, hours: 26, rowsTarget: 4000 });
  for (const t of tables) ws.addTable(t);
  if (schema === 'resource-specific+llm') ws.addTable(llmTable(tables[0]));
  cache.set(schema, ws);
  return ws;
}

const iso = (ms: number) => `datetime(${new Date(ms).toISOString()})`;

/** The values the portal puts in for a workbook's parameters (a 24-hour time range, 5-minute grain). */
const PARAMETER_VALUES: Record<string, string> = {
  '{TimeRange:grain}': '5m',
  '{TimeRange:start}': iso(NOW.getTime() - 24 * HOUR),
  '{TimeRange:end}': iso(NOW.getTime()),
  '{TimeRange:label}': 'Last 24 hours',
  '{InactiveThreshold:start}': iso(NOW.getTime() - 7 * 24 * HOUR),
};

export function substituteParameters(q: CorpusQuery): string {
  let text = q.text;
  for (const p of q.params) {
    const value = PARAMETER_VALUES[p];
    if (value === undefined) throw new Error(`${q.id}: no value for workbook parameter ${p}`);
    text = text.split(p).join(value);
  }
  return text;
}
