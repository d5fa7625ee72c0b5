/** Figures from the records of one mode, and their Markdown form. */
import type { CommandRecord } from './capture';
import { COMMANDS } from './users';

interface Dist {
  n: number;
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

export interface MemoryFigures {
  /** process.memoryUsage().rss after warm-up + forced GC, before the load (MB). */
  baselineRssMb: number;
  /** Highest rss sampled every 100 ms during the load and the wait for answers (MB). */
  peakRssMb: number;
  /** rss after the load, every answer delivered, load-side records dropped, forced GC (MB). */
  afterRssMb: number;
  baselineHeapMb: number;
  peakHeapMb: number;
  afterHeapMb: number;
  /** process.resourceUsage().maxRSS so far: the whole process (bot + load generator + test service), never decreases. */
  processMaxRssMb: number;
}

export interface ServiceFigures {
  requests: number;
  byStatus: Record<string, number>;
  maxInFlight: number;
}

export interface ModeSummary {
  mode: string;
  source: string;
  /** The exported log file the embedded engine answered from, instead of the demo workspace. */
  logFile?: string;
  /** Bot instances the users were spread over. */
  instances: number;
  users: number;
  durationS: number;
  thinkS: number;
  elapsedS: number;
  sent: number;
  acknowledged: number;
  finalCards: number;
  answers: number;
  /** Final error cards by code. */
  errorCards: Record<string, number>;
  /** Error cards that do not explain themselves (generic crash, no code, empty text). */
  unexplained: number;
  refused: number;
  /** Commands that never got a final card (transport failure or none before the script stopped). */
  noFinal: Record<string, number>;
  throughputFinalPerS: number;
  throughputAnswersPerS: number;
  msToAck: Dist;
  msToFinal: Dist;
  msToAnswer: Dist;
  msHttpTurn: Dist;
  /** A sample title + text per error code, so the report shows what users read. */
  errorSamples: Record<string, { title: string; what: string }>;
  byCommand: Record<string, { sent: number; answers: number; msToFinalP50?: number }>;
  memory: MemoryFigures;
  service?: ServiceFigures;
  botProblems: { line: string; count: number; sample?: string }[];
  stayedUp: boolean;
  unmatchedConnectorCalls: number;
}

function pct(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function dist(values: number[]): Dist {
  const s = [...values].sort((a, b) => a - b);
  const r = (v: number | undefined) => (v === undefined ? undefined : Math.round(v));
  return { n: s.length, p50: r(pct(s, 50)), p95: r(pct(s, 95)), p99: r(pct(s, 99)), max: r(s[s.length - 1]) };
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export function summarise(
  base: Pick<ModeSummary, 'mode' | 'source' | 'logFile' | 'instances' | 'users' | 'durationS' | 'thinkS' | 'elapsedS'>,
  records: CommandRecord[],
  extra: {
    memory: MemoryFigures;
    service?: ServiceFigures;
    botProblems: ModeSummary['botProblems'];
    stayedUp: boolean;
    unmatched: number;
  },
): ModeSummary {
  const finals = records.filter((r) => r.answeredAt !== undefined && r.outcome && r.outcome.kind !== 'refused');
  const answers = finals.filter((r) => r.outcome!.kind === 'answer');
  const errorCards: Record<string, number> = {};
  const errorSamples: ModeSummary['errorSamples'] = {};
  let unexplained = 0;
  for (const r of finals) {
    const o = r.outcome!;
    if (o.kind === 'error') {
      errorCards[o.code] = (errorCards[o.code] ?? 0) + 1;
      errorSamples[o.code] ??= { title: o.title, what: o.what.slice(0, 240) };
      if (!o.explained) unexplained++;
    } else if (o.kind === 'other') {
      errorCards[`other: ${o.title}`] = (errorCards[`other: ${o.title}`] ?? 0) + 1;
      unexplained++;
    }
  }
  const noFinal: Record<string, number> = {};
  for (const r of records)
    if (r.answeredAt === undefined) noFinal[r.failure ?? 'unknown'] = (noFinal[r.failure ?? 'unknown'] ?? 0) + 1;
  const byCommand: ModeSummary['byCommand'] = {};
  for (const text of COMMANDS) {
    const mine = records.filter((r) => r.text === text);
    const d = dist(mine.filter((r) => r.answeredAt !== undefined).map((r) => r.answeredAt! - r.sentAt));
    byCommand[text] = {
      sent: mine.length,
      answers: mine.filter((r) => r.outcome?.kind === 'answer').length,
      msToFinalP50: d.p50,
    };
  }
  return {
    ...base,
    elapsedS: round(base.elapsedS),
    sent: records.length,
    acknowledged: records.filter((r) => r.ackAt !== undefined).length,
    finalCards: finals.length,
    answers: answers.length,
    errorCards,
    unexplained,
    refused: records.filter((r) => r.outcome?.kind === 'refused').length,
    noFinal,
    throughputFinalPerS: round(finals.length / base.elapsedS, 2),
    throughputAnswersPerS: round(answers.length / base.elapsedS, 2),
    msToAck: dist(records.filter((r) => r.ackAt !== undefined).map((r) => r.ackAt! - r.sentAt)),
    msToFinal: dist(finals.map((r) => r.answeredAt! - r.sentAt)),
    msToAnswer: dist(answers.map((r) => r.answeredAt! - r.sentAt)),
    msHttpTurn: dist(records.filter((r) => r.httpMs !== undefined).map((r) => r.httpMs!)),
    errorSamples,
    byCommand,
    memory: extra.memory,
    ...(extra.service ? { service: extra.service } : {}),
    botProblems: extra.botProblems,
    stayedUp: extra.stayedUp,
    unmatchedConnectorCalls: extra.unmatched,
  };
}

const fmtDist = (d: Dist) => (d.n === 0 ? '-' : `${d.p50} / ${d.p95} / ${d.p99} (max ${d.max}, n=${d.n})`);
const fmtMap = (m: Record<string, number>) =>
  Object.keys(m).length === 0
    ? 'none'
    : Object.entries(m)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdown(s: ModeSummary): string {
  const m = s.memory;
  const rows: [string, string][] = [
    [
      'users / duration / think',
      `${s.users} / ${s.durationS} s / ${s.thinkS} s (ran ${s.elapsedS} s incl. waiting for answers)`,
    ],
    [
      'log source',
      s.source === 'la'
        ? 'local Log Analytics service via @azure/monitor-query-logs (https)'
        : s.logFile
          ? `embedded engine on the exported file ${s.logFile}`
          : 'embedded demo workspace',
    ],
    ['bot instances', s.instances > 1 ? `${s.instances} (INSTANCE_COUNT, blob state in Azurite)` : '1'],
    ['commands sent / acknowledged / final card', `${s.sent} / ${s.acknowledged} / ${s.finalCards}`],
    ['answers', `${s.answers}`],
    ['error cards by code', fmtMap(s.errorCards)],
    ['unexplained error cards', `${s.unexplained}`],
    ['refused (rate limit / access)', `${s.refused}`],
    ['no final card', fmtMap(s.noFinal)],
    ['throughput (final cards/s, answers/s)', `${s.throughputFinalPerS}, ${s.throughputAnswersPerS}`],
    ['ms to ack (running card) p50 / p95 / p99', fmtDist(s.msToAck)],
    ['ms to final card p50 / p95 / p99', fmtDist(s.msToFinal)],
    ['ms to answer (answer cards) p50 / p95 / p99', fmtDist(s.msToAnswer)],
    ['ms HTTP turn p50 / p95 / p99', fmtDist(s.msHttpTurn)],
    ['RSS MB baseline / peak / after (GC)', `${m.baselineRssMb} / ${m.peakRssMb} / ${m.afterRssMb}`],
    ['heap MB baseline / peak / after (GC)', `${m.baselineHeapMb} / ${m.peakHeapMb} / ${m.afterHeapMb}`],
    ['process maxRSS so far (bot + load generator + service)', `${m.processMaxRssMb} MB`],
    ['process stayed up (/healthz after)', s.stayedUp ? 'yes' : 'NO'],
  ];
  if (s.service) {
    rows.push([
      'service requests (by status), max in flight',
      `${s.service.requests} (${fmtMap(s.service.byStatus)}), ${s.service.maxInFlight}`,
    ]);
  }
  rows.push([
    'bot warn/error log lines',
    s.botProblems.length ? s.botProblems.map((p) => `${p.line} ×${p.count}`).join('; ') : 'none',
  ]);
  for (const [code, e] of Object.entries(s.errorSamples)) rows.push([`card ${code}`, `"${e.title}": ${e.what}`]);
  const out = [
    `### mode ${s.mode}`,
    '',
    '| figure | value |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`),
  ];
  return out.join('\n') + '\n';
}

/** One line per mode, side by side. */
export function comparison(all: ModeSummary[]): string {
  const head =
    '| mode | sent | answers | error cards | no final | final/s | ack p50/p99 ms | final p50/p99 ms | RSS base/peak/after MB | heap base/after MB |';
  const lines = all.map(
    (s) =>
      `| ${s.mode} (${s.source}) | ${s.sent} | ${s.answers} | ${cell(fmtMap(s.errorCards))} | ${cell(fmtMap(s.noFinal))} | ${s.throughputFinalPerS} | ${s.msToAck.p50 ?? '-'}/${s.msToAck.p99 ?? '-'} | ${s.msToFinal.p50 ?? '-'}/${s.msToFinal.p99 ?? '-'} | ${s.memory.baselineRssMb}/${s.memory.peakRssMb}/${s.memory.afterRssMb} | ${s.memory.baselineHeapMb}/${s.memory.afterHeapMb} |`,
  );
  return ['### all modes', '', head, '|---|---|---|---|---|---|---|---|---|---|', ...lines].join('\n') + '\n';
}
