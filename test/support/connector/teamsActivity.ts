/** Teams-shaped activities as Azure Bot Service posts them to /api/messages, and a tiny HTTP client. */

export const BOT = { id: '28:bot-app-id', name: 'APIM Triage' };
const USER = { id: '29:user-ada', name: 'Ada Lovelace', aadObjectId: '00000000-0000-0000-0000-0000000000ad' };
export const CHANNEL_THREAD = '19:abc@thread.tacv2;messageid=123';

let seq = 1000;

export function teamsMessage(
  text: string,
  serviceUrl: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const id = String(++seq);
  return {
    type: 'message',
    id,
    timestamp: new Date().toISOString(),
    localTimezone: 'Europe/Berlin',
    channelId: 'msteams',
    serviceUrl,
    from: USER,
    recipient: BOT,
    conversation: { id: CHANNEL_THREAD, conversationType: 'channel', isGroup: true, tenantId: 'tenant-1' },
    text: `<at>${BOT.name}</at> ${text}`,
    textFormat: 'plain',
    entities: [
      { type: 'mention', mentioned: BOT, text: `<at>${BOT.name}</at>` },
      { type: 'clientInfo', locale: 'en-US', country: 'DE', platform: 'Web', timezone: 'Europe/Berlin' },
    ],
    channelData: {
      tenant: { id: 'tenant-1' },
      team: { id: '19:team@thread.tacv2' },
      channel: { id: '19:abc@thread.tacv2' },
    },
    ...extra,
  };
}

/** An `adaptiveCard/action` invoke, as Teams sends it when an Action.Execute button is pressed. */
export function cardAction(
  verb: string,
  data: unknown,
  serviceUrl: string,
  replyToId: string,
  trigger = 'manual',
): Record<string, unknown> {
  const base = teamsMessage('', serviceUrl);
  delete base.text;
  delete base.textFormat;
  return {
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger },
  };
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

/** An invoke's response body: `value` is a card, a message's text or an error, as `type` says. */
export interface InvokeReply<V = Record<string, unknown>> {
  statusCode: number;
  type: string;
  value: V;
}

/** Reads an invoke's response body; `V` is what its `type` promises (a card unless told otherwise). */
export function invokeReply<V = Record<string, unknown>>(res: { body: string }): InvokeReply<V> {
  return JSON.parse(res.body) as InvokeReply<V>;
}
