/**
 * The latency answer in words: how slow (p50/p95/p99 of TotalTime), where the time goes (BackendTime against the
 * gateway's own time, TotalTime minus BackendTime), the slowest operation, and what changed against the previous
 * window of equal length or the baseline asked for ("vs yesterday").
 */
import type { Command } from '../commands/types';
import type { Cell } from '../kql/types';
import { cellNumber } from '../kql/cells';

type Row = Record<string, Cell>;

/** p95 at least this many times the previous window's is "up"; at most its inverse is "down". */
const CHANGE_RATIO = 1.5;
/** Backend time at p95 at or above this share of the total p95 means the backend is where the time goes. */
const BACKEND_SHARE = 0.6;
/** Gateway time at p95 at or above this share of the total p95 means the gateway (or the client) is. */
const GATEWAY_SHARE = 0.5;

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number): string => `${n(x)} ms`;
const text = (c: Cell | undefined): string => (typeof c === 'string' ? c : '');

export interface LatencyReading {
  summary: string;
  verdict?: string;
  /** APIs with requests in the window: tells an unknown API name from a quiet one. */
  apisSeen: string[];
  /** Requests in the compared window. */
  baselineRequests: number;
}

/** `comparedWith` is "the previous 15m" or "the same 15m yesterday" (src/commands/baseline.ts). */
function changeOf(p95: number, prevP95: number | null, prevRequests: number, comparedWith: string): string {
  if (prevRequests === 0 || prevP95 === null || prevP95 <= 0) return `no requests in ${comparedWith} to compare`;
  const ratio = p95 / prevP95;
  if (ratio >= CHANGE_RATIO) return `up ×${ratio.toFixed(1)} from ${ms(prevP95)} in ${comparedWith}`;
  if (ratio <= 1 / CHANGE_RATIO) return `down from ${ms(prevP95)} in ${comparedWith}`;
  return `about the same as ${comparedWith} (${ms(prevP95)})`;
}

/** Where the time goes at p95: the backend, the gateway's own work and the client, or both. */
function whereTimeGoes(p95: number, backendP95: number, gatewayP95: number): string {
  if (p95 > 0 && backendP95 >= BACKEND_SHARE * p95)
    return `the backend is slow: backend time is ${ms(backendP95)} of the ${ms(p95)} at p95, so look at the backend first.`;
  if (p95 > 0 && gatewayP95 >= GATEWAY_SHARE * p95)
    return `the time is spent in the gateway, not the backend: gateway time (total minus backend) is ${ms(gatewayP95)} at p95 against ${ms(backendP95)} in the backend. That is policy overhead (send-request calls, transformations, throttling waits) or clients slow to receive the response.`;
  return `the time is split: ${ms(backendP95)} in the backend and ${ms(gatewayP95)} in the gateway at p95.`;
}

/** The API whose p95 grew most against the previous window, when one grew by CHANGE_RATIO or more. */
function mostGrown(apis: Row[]): string | undefined {
  let best: { api: string; ratio: number; from: number; to: number } | undefined;
  for (const r of apis) {
    const to = cellNumber(r.P95) ?? 0;
    const from = cellNumber(r.PrevP95);
    if (from === null || from <= 0 || (cellNumber(r.PrevRequests) ?? 0) === 0) continue;
    const ratio = to / from;
    if (ratio >= CHANGE_RATIO && (!best || ratio > best.ratio)) best = { api: text(r.ApiId), ratio, from, to };
  }
  return best ? `${best.api} grew most: p95 ${ms(best.from)} → ${ms(best.to)}.` : undefined;
}

export function readLatency(command: Command, rows: Row[], comparedWith: string): LatencyReading {
  const of = (kind: string) => rows.filter((r) => r.Kind === kind);
  const apis = of('apis');
  const apisSeen = apis.map((r) => text(r.ApiId)).filter(Boolean);
  const overall = of('overall')[0];
  const requests = overall ? (cellNumber(overall.Requests) ?? 0) : 0;
  const where = command.api ? ` on ${command.api}` : '';
  const window = `in the ${command.window.label}`;
  const baselineRequests = overall ? (cellNumber(overall.PrevRequests) ?? 0) : 0;
  if (!overall || requests === 0)
    return { summary: `No gateway requests logged${where} ${window}`, apisSeen, baselineRequests };

  const p50 = cellNumber(overall.P50) ?? 0;
  const p95 = cellNumber(overall.P95) ?? 0;
  const p99 = cellNumber(overall.P99) ?? 0;
  const summary = `p95 ${ms(p95)} (p50 ${ms(p50)}, p99 ${ms(p99)}) over ${n(requests)} ${requests === 1 ? 'request' : 'requests'}${where} ${window}`;
  const change = changeOf(p95, cellNumber(overall.PrevP95), baselineRequests, comparedWith);
  const slowest = of('operations').sort((a, b) => (cellNumber(b.P95) ?? 0) - (cellNumber(a.P95) ?? 0))[0];
  const parts = [
    `p95 is ${ms(p95)}, ${change}; ${whereTimeGoes(p95, cellNumber(overall.BackendP95) ?? 0, cellNumber(overall.GatewayP95) ?? 0)}`,
  ];
  if (!command.api) {
    const grown = mostGrown(apis);
    if (grown) parts.push(grown);
  }
  if (slowest)
    parts.push(
      `Slowest operation: ${text(slowest.ApiId)} ${text(slowest.OperationId)}, p95 ${ms(cellNumber(slowest.P95) ?? 0)} (backend ${ms(cellNumber(slowest.BackendP95) ?? 0)}).`,
    );
  return { summary, verdict: parts.join(' '), apisSeen, baselineRequests };
}
