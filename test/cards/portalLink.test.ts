import { gunzipSync } from 'node:zlib';
import { portalQueryLink } from '../../src/cards/portalLink';
import { renderReply } from '../../src/cards';
import { loadConfig } from '../../src/config';
import type { Answer } from '../../src/answer';

const WS_ID = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const WS_ARM = '/subscriptions/1111/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/law-apim';
const KQL =
  'let GatewayLogs = ApiManagementGatewayLogs | project TimeGenerated;\nGatewayLogs | where ApiId == "a/b c+d" | count';
const FROM = new Date('2026-11-23T14:15:00Z');
const TO = new Date('2026-11-23T14:30:00Z');

/** Reads a link back the way the portal does: segment -> percent-decode twice -> base64 -> gunzip. */
function decode(link: string): { resource: string; query: string; timespan: string; tenant: string } {
  const m =
    /^https:\/\/portal\.azure\.com\/#@([^/]+)\/blade\/Microsoft_OperationsManagementSuite_Workspace\/Logs\.ReactView\/resourceId\/([^/]+)\/source\/LogsBlade\.AnalyticsShareLinkToQuery\/q\/([^/]+)\/timespan\/([^/]+)$/.exec(
      link,
    );
  if (!m) throw new Error(`not a portal query link: ${link}`);
  const b64 = decodeURIComponent(decodeURIComponent(m[3]));
  return {
    tenant: decodeURIComponent(m[1]),
    resource: decodeURIComponent(m[2]),
    query: gunzipSync(Buffer.from(b64, 'base64')).toString('utf8'),
    timespan: decodeURIComponent(m[4]),
  };
}

test('the link carries the exact query (gzip, base64, double percent-encoding), the resource and the window', () => {
  const link = portalQueryLink({ resourceId: WS_ARM, tenant: 'contoso.onmicrosoft.com' }, KQL, FROM, TO);
  expect(decode(link)).toEqual({
    tenant: 'contoso.onmicrosoft.com',
    resource: WS_ARM,
    query: KQL,
    timespan: '2026-11-23T14:15:00.000Z/2026-11-23T14:30:00.000Z',
  });
  // As the portal writes them: the base64 of a gzip stream starts H4sI, and '/', '+', '=' are encoded twice.
  expect(link).toContain('/q/H4sI');
  expect(link).not.toMatch(/\/q\/[^/]*[+=]/);
});

function answer(kind: 'log-analytics' | 'embedded', workspace: string): Answer {
  return {
    type: 'answer',
    command: { kind: 'apis', text: 'apis', window: { from: FROM, to: TO, label: 'last 15m' } },
    title: 'APIs, last 15m',
    summary: '2 APIs',
    findings: [],
    sections: [],
    kql: KQL,
    notes: [],
    source: { kind, workspace, schema: 'resource-specific' },
    stats: { queryMs: 10, queries: 1 },
  };
}

function openUrl(card: object): string | undefined {
  const hit =
    JSON.stringify(card).match(/"type":"Action\.OpenUrl"[^}]*"url":"([^"]+)"/) ??
    JSON.stringify(card).match(/"url":"([^"]+)"[^}]*"type":"Action\.OpenUrl"/);
  return hit?.[1];
}

test('settings turn into an "Open in Log Analytics" button on answers from that workspace only', () => {
  const config = loadConfig({
    LOG_ANALYTICS_WORKSPACE_ID: WS_ID,
    LOG_ANALYTICS_WORKSPACE_RESOURCE_ID: WS_ARM,
    AZURE_TENANT_ID: 'tid',
  });
  expect(config.portal).toEqual({ resourceId: WS_ARM, tenant: 'tid', workspaceId: WS_ID });
  const opts = { now: TO, portal: config.portal };
  const url = openUrl(renderReply(answer('log-analytics', WS_ID), opts));
  expect(url && decode(url).query).toBe(KQL);
  // Another team's workspace (WORKSPACE_MAP) or the embedded engine: no link into the wrong place.
  expect(openUrl(renderReply(answer('log-analytics', '99999999-0000-0000-0000-000000000000'), opts))).toBeUndefined();
  expect(openUrl(renderReply(answer('embedded', 'demo'), opts))).toBeUndefined();
  expect(loadConfig({}).portal).toBeUndefined();
});
