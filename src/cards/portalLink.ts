/**
 * "Open in Log Analytics": a link that opens the portal's Logs blade on the resource with the answer's
 * exact query and window. No Microsoft page documents the format; this follows the links the portal's own
 * "Share > Copy link to query" produces (decoded from links the portal generated): the query is
 * gzip-compressed, base64-encoded and percent-encoded twice, the resource id percent-encoded once.
 */
import { gzipSync } from 'node:zlib';

export interface PortalTarget {
  /** ARM id the blade opens on: the Log Analytics workspace, or the APIM instance (resource-centric). */
  resourceId: string;
  /** Entra tenant id or domain, so the portal signs in to the right directory. */
  tenant?: string;
  /** The workspace (customer) id answers must come from for the link to apply; unset = any. */
  workspaceId?: string;
}

export function portalQueryLink(target: PortalTarget, kql: string, from: Date, to: Date): string {
  const b64 = gzipSync(Buffer.from(kql, 'utf8')).toString('base64');
  const query = encodeURIComponent(encodeURIComponent(b64));
  const resource = encodeURIComponent(target.resourceId);
  const timespan = encodeURIComponent(`${from.toISOString()}/${to.toISOString()}`);
  const tenant = target.tenant ? `@${encodeURIComponent(target.tenant)}/` : '';
  return (
    `https://portal.azure.com/#${tenant}blade/Microsoft_OperationsManagementSuite_Workspace/Logs.ReactView/` +
    `resourceId/${resource}/source/LogsBlade.AnalyticsShareLinkToQuery/q/${query}/timespan/${timespan}`
  );
}
