/**
 * The demo's Activity log (the AzureActivity table, real column names): control-plane writes to the contoso-apim
 * instance. The scenario's incident change lands shortly before its failures begin; the rest are the everyday
 * writes of a team (products, policies, named values, certificates, a failed write) and operations that change
 * nothing or another service, which the changes recipe must leave out.
 */
import type { TableInput } from '../../../kql';
import type { Cell, ColumnSchema } from '../../../kql/types';
import { AZURE_SUBSCRIPTION, RESOURCE_GROUP, RESOURCE_ID, WORKSPACE_TENANT_ID } from './catalog';
import { guid, mulberry32 } from './random';

const MIN = 60_000;

/** One operation on a resource below the APIM service, as the Activity log records it. */
export interface DemoChange {
  /** How long before the end of the demo's traffic the operation finished. */
  agoMin: number;
  /** The path below the service: "backends/payments-backend", "apis/orders-api/policies/policy". */
  target: string;
  /** What was done: "write", "delete" or an action ("listSecrets/action"). */
  verb: string;
  caller: string;
  /** Failed operations stay in the log, with ActivityStatusValue "Failure". */
  failed?: boolean;
  /** Another resource provider's operation (not APIM): a whole resource id. */
  otherResourceId?: string;
}

/** Everyday operations, none near an incident: writes of a working team, a read-like action and another service. */
export const BACKGROUND_CHANGES: DemoChange[] = [
  { agoMin: 50, target: 'products/starter', verb: 'write', caller: 'bob@contoso.com' },
  { agoMin: 35, target: 'subscriptions/mobile-app-ci', verb: 'listSecrets/action', caller: 'carol@contoso.com' },
  {
    agoMin: 190,
    target: 'apis/catalog-api/policies/policy',
    verb: 'write',
    caller: 'carol@contoso.com',
  },
  { agoMin: 300, target: 'namedValues/orders-backend-key', verb: 'write', caller: 'carol@contoso.com', failed: true },
  {
    agoMin: 370,
    target: 'namedValues/orders-backend-key',
    verb: 'write',
    caller: '2f4e1c7a-5b3d-4e8f-9a6c-1d2b3c4e5f60',
  },
  { agoMin: 540, target: 'subscriptions/partner-gold-7', verb: 'write', caller: 'bob@contoso.com' },
  { agoMin: 1230, target: 'certificates/payments-mtls', verb: 'write', caller: 'alice@contoso.com' },
  {
    agoMin: 25,
    target: '',
    verb: 'write',
    caller: 'dave@contoso.com',
    otherResourceId: `/subscriptions/${AZURE_SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Web/sites/contoso-portal`,
  },
];

const COLUMNS: ColumnSchema[] = [
  { name: 'TenantId', type: 'string' },
  { name: 'SourceSystem', type: 'string' },
  { name: 'CallerIpAddress', type: 'string' },
  { name: 'CategoryValue', type: 'string' },
  { name: 'CorrelationId', type: 'string' },
  { name: 'EventDataId', type: 'string' },
  { name: 'Level', type: 'string' },
  { name: 'ResourceGroup', type: 'string' },
  { name: 'ResourceProviderValue', type: 'string' },
  { name: 'ResourceId', type: 'string' },
  { name: 'OperationNameValue', type: 'string' },
  { name: 'ActivityStatusValue', type: 'string' },
  { name: 'ActivitySubstatusValue', type: 'string' },
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'SubscriptionId', type: 'string' },
  { name: 'Caller', type: 'string' },
  { name: 'Type', type: 'string' },
  { name: '_ResourceId', type: 'string' },
];

/** Every operation has a Start event a few seconds before its outcome, under one CorrelationId. */
function rowsOf(change: DemoChange, now: number, rng: () => number): { time: number; values: Record<string, Cell> }[] {
  const resourceId = change.otherResourceId ?? `${RESOURCE_ID}${change.target ? `/${change.target}` : ''}`;
  const provider = /\/providers\/([^/]+)\//i.exec(resourceId)![1].toUpperCase();
  // The operation name is the resource type path (names dropped) and the verb: ".../SERVICE/BACKENDS/WRITE".
  const types = /\/providers\/[^/]+\/(.+)$/i
    .exec(resourceId)![1]
    .split('/')
    .filter((_, i) => i % 2 === 0);
  const operation = [provider, ...types, change.verb].join('/').toUpperCase();
  const end = now - Math.round(change.agoMin * MIN);
  const correlation = guid(rng);
  const common: Record<string, Cell> = {
    TenantId: WORKSPACE_TENANT_ID,
    SourceSystem: 'Azure',
    CallerIpAddress: change.caller.includes('@') ? '203.0.113.40' : '',
    CategoryValue: 'Administrative',
    CorrelationId: correlation,
    ResourceGroup: RESOURCE_GROUP.toUpperCase(),
    ResourceProviderValue: provider,
    ResourceId: resourceId,
    OperationNameValue: operation,
    SubscriptionId: AZURE_SUBSCRIPTION,
    Caller: change.caller,
    Type: 'AzureActivity',
    _ResourceId: resourceId.toLowerCase(),
  };
  const start = { ...common, EventDataId: guid(rng), Level: 'Informational', ActivityStatusValue: 'Start' };
  const outcome = {
    ...common,
    EventDataId: guid(rng),
    Level: change.failed ? 'Error' : 'Informational',
    ActivityStatusValue: change.failed ? 'Failure' : 'Success',
    ActivitySubstatusValue: change.failed ? 'BadRequest' : 'OK',
  };
  return [
    { time: end - 2000 - Math.floor(rng() * 4000), values: start },
    { time: end, values: outcome },
  ];
}

/** The AzureActivity table of a demo workspace: the incident change and the background ones inside its window. */
export function activityTable(seed: number, now: number, hours: number, changes: DemoChange[]): TableInput {
  const rng = mulberry32((seed ^ 0xac71_0001) >>> 0);
  const rows = changes
    .filter((c) => c.agoMin < hours * 60)
    .flatMap((c) => rowsOf(c, now, rng))
    .sort((a, b) => a.time - b.time)
    .map(({ time, values }) =>
      COLUMNS.map((c): Cell => (c.name === 'TimeGenerated' ? new Date(time) : (values[c.name] ?? ''))),
    );
  return { name: 'AzureActivity', columns: COLUMNS, rows };
}
