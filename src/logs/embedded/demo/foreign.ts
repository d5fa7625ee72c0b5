import type { Cell, ColumnSchema } from '../../../kql/types';
import { AZURE_SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE_TENANT_ID } from './catalog';
import { guid, intBetween, mulberry32, pick } from './random';

/**
 * AzureDiagnostics is shared by every service that logs to it, so a realistic demo of that table also holds
 * rows that are not APIM gateway logs (here: Key Vault audit events). They exercise the
 * ResourceProvider/Category filters of the community recipes and the prelude.
 */
const VAULT = 'KV-CONTOSO-PROD';
const VAULT_ID = `/SUBSCRIPTIONS/${AZURE_SUBSCRIPTION.toUpperCase()}/RESOURCEGROUPS/${RESOURCE_GROUP.toUpperCase()}/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/${VAULT}`;
const OPERATIONS = ['SecretGet', 'SecretGet', 'SecretGet', 'SecretList', 'KeySign', 'VaultGet'];

export const FOREIGN_ROWS_PER_HOUR = 40;

/** Key Vault audit rows over [now - hours, now), time-ordered, as AzureDiagnostics rows of `columns`. */
export function foreignRows(
  seed: number,
  now: number,
  hours: number,
  columns: ColumnSchema[],
): { time: number; row: Cell[] }[] {
  const rng = mulberry32((seed ^ 0x5eed_f00d) >>> 0);
  const n = Math.round(FOREIGN_ROWS_PER_HOUR * hours);
  const span = hours * 3_600_000;
  const out: { time: number; row: Cell[] }[] = [];
  for (let i = 0; i < n; i++) {
    const time = now - Math.round(span) + Math.floor(((i + rng()) / n) * span); // whole ms: see incident.ts
    const values: Record<string, Cell> = {
      TenantId: WORKSPACE_TENANT_ID,
      TimeGenerated: new Date(time),
      ResourceId: VAULT_ID,
      Category: 'AuditEvent',
      ResourceGroup: RESOURCE_GROUP.toUpperCase(),
      SubscriptionId: AZURE_SUBSCRIPTION,
      ResourceProvider: 'MICROSOFT.KEYVAULT',
      Resource: VAULT,
      ResourceType: 'VAULTS',
      OperationName: pick(rng, OPERATIONS),
      ResultType: 'Success',
      CorrelationId: guid(rng),
      ResultDescription: '',
      CallerIPAddress: `10.20.${intBetween(rng, 0, 3)}.${intBetween(rng, 4, 60)}`,
      Level: 'Informational',
      DurationMs: intBetween(rng, 2, 40),
      SourceSystem: 'Azure',
      Type: 'AzureDiagnostics',
      _ResourceId: VAULT_ID.toLowerCase(),
    };
    out.push({ time, row: columns.map((c) => (c.name in values ? values[c.name] : c.type === 'string' ? '' : null)) });
  }
  return out;
}
