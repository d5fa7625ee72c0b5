/**
 * The callers answer in words: how many requests of the signature, from how many caller IPs and APIM
 * subscriptions, and whom to contact first (the busiest subscription and its product).
 */
import type { Command } from '../commands/types';
import type { Cell } from '../kql/types';
import { cellNumber } from '../kql/cells';
import { signatureById } from '../signatures/catalog';

type Row = Record<string, Cell>;

const n = (x: number): string => x.toLocaleString('en-US');
const text = (c: Cell | undefined): string => (typeof c === 'string' ? c : '');
const plural = (x: number, noun: string, nouns = `${noun}s`): string => `${n(x)} ${x === 1 ? noun : nouns}`;
const addresses = (x: number): string => plural(x, 'IP address', 'IP addresses');

export interface CallersReading {
  summary: string;
  verdict: string;
  apisSeen: string[];
}

export function readCallers(command: Command, rows: Row[]): CallersReading {
  const of = (kind: string) => rows.filter((r) => r.Kind === kind);
  const apisSeen = of('api')
    .map((r) => text(r.ApiId))
    .filter(Boolean);
  const ids = command.signatures ?? [];
  const id = ids.join(' or ');
  const title = ids.map((s) => signatureById(s).title).join('" or "');
  const where = command.api ? ` on ${command.api}` : '';
  const window = `in the ${command.window.label}`;
  const subscriptions = of('subscriptions').sort(
    (a, b) => (cellNumber(b.Requests) ?? 0) - (cellNumber(a.Requests) ?? 0),
  );
  const total = of('total')[0];
  const requests = total ? (cellNumber(total.Requests) ?? 0) : 0;
  if (requests === 0)
    return {
      summary: `No ${id} requests${where} ${window}`,
      verdict: `Nothing matched "${title}"${where} in the window: check the signature id with "triage", or try a longer window.`,
      apisSeen,
    };
  const ips = cellNumber(total.Callers) ?? 0;
  const subs = cellNumber(total.Subscriptions) ?? 0;
  const named = subscriptions.filter((r) => text(r.ApimSubscriptionId) !== '');
  const summary = `${plural(requests, 'request')} of ${id}${where} ${window}, from ${addresses(ips)} and ${plural(subs, 'APIM subscription')}`;
  const top = named[0];
  const verdict = top
    ? `Contact the owner of subscription ${text(top.ApimSubscriptionId)}${text(top.ProductId) ? ` (product ${text(top.ProductId)})` : ''} first: ${plural(cellNumber(top.Requests) ?? 0, 'request')} from ${addresses(cellNumber(top.Callers) ?? 0)}. The subscription's owner is on its page in the APIM portal (Subscriptions).`
    : `These requests carry no APIM subscription, so the caller IPs below are all there is to go on: look them up in your network or client inventory.`;
  return { summary, verdict, apisSeen };
}
