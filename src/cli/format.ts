/**
 * Plain-text and JSON renderings for the command line: a KQL result table as the Log Analytics API
 * shapes it, and a bot reply as a person reads it in a terminal.
 */
import type { BotReply } from '../answer';
import type { Cell, ColumnSchema, ResultTable } from '../kql/types';
import { formatTimespan } from '../kql/values';
import { count } from '../words';

/** KQL's own timespan text ("00:15:00", "1.02:03:04.5000000"), as the Log Analytics API returns timespans. */
export { formatTimespan };

/** A cell as JSON carries it: datetimes and timespans become their text. */
function jsonCell(cell: Cell, column: ColumnSchema): Exclude<Cell, Date> {
  if (cell === null || cell === undefined) return null;
  if (cell instanceof Date) return cell.toISOString();
  if (column.type === 'timespan' && typeof cell === 'number') return formatTimespan(cell);
  return cell;
}

/** `{"columns":[{"name","type"}],"rows":[[...]]}`: the Log Analytics API's table shape. */
export function tableToJson(table: ResultTable): { columns: ColumnSchema[]; rows: unknown[][] } {
  return {
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: table.rows.map((r) => r.map((cell, i) => jsonCell(cell, table.columns[i]))),
  };
}

function textCell(cell: Cell, column: ColumnSchema): string {
  const v = jsonCell(cell, column);
  if (v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** A fixed-width table for terminals; very wide cells are cut so one long URL does not wreck the layout. */
export function tableToText(table: ResultTable, maxCell = 60): string {
  const header = table.columns.map((c) => c.name);
  const body = table.rows.map((r) =>
    r.map((cell, i) => {
      const t = textCell(cell, table.columns[i]).replace(/\s+/g, ' ');
      return t.length > maxCell ? `${t.slice(0, maxCell - 1)}…` : t;
    }),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    `(${count(table.rows.length, 'row')})`,
  ].join('\n');
}

/** What the bot would say, as text: the same content as the card, ranked and explained. */
export function replyToText(reply: BotReply): string {
  const out: string[] = [];
  if (reply.type === 'help') {
    if (reply.problem) out.push(reply.problem, '');
    if (reply.suggestions.length > 0) out.push(`Did you mean: ${reply.suggestions.join(' | ')}`, '');
    out.push('Commands:');
    for (const c of reply.commands) {
      out.push(`  ${c.usage}`, `      ${c.description}`, `      e.g. ${c.examples.join('  ·  ')}`);
    }
    return out.join('\n');
  }
  if (reply.type === 'error') {
    out.push(`✖ ${reply.title}`, '', reply.what, '', `Likely cause: ${reply.cause}`, 'Fix:');
    reply.fix.forEach((f, i) => out.push(`  ${i + 1}. ${f}`));
    if (reply.retryable) out.push('', 'This is usually temporary: try again in a minute.');
    return out.join('\n');
  }
  const w = reply.command.window;
  out.push(`${reply.title}`, `${w.from.toISOString()} .. ${w.to.toISOString()} (${w.label})`, '', reply.summary);
  for (const note of reply.notes) out.push(`! ${note}`);
  if (reply.suggestions?.length) out.push(`Try: ${reply.suggestions.join(' | ')}`);
  if (reply.verdict) out.push('', `Verdict: ${reply.verdict}`);
  for (const f of reply.findings) {
    out.push(
      '',
      `#${f.rank} ${f.title}  [${f.signature}]  ${count(f.count, 'request')}` +
        `${f.responseCode !== null ? `, HTTP ${f.responseCode}` : ''}, fault: ${f.fault}`,
      `   APIs: ${f.apis.join(', ') || '-'}   backends: ${f.backends.join(', ') || '-'}   ${f.firstSeen} .. ${f.lastSeen}`,
      `   Why ranked here: ${f.why.join('; ')}`,
      `   ${f.explanation}`,
    );
    if (f.sampleMessage) out.push(`   Message: ${f.sampleMessage.replace(/\s*\n\s*/g, ' / ')}`);
    if (f.fix.length > 0)
      out.push(`   Fix: ${f.fix[0]}${f.fix.length > 1 ? ` (+${count(f.fix.length - 1, 'more step')})` : ''}`);
    out.push(`   Next: ${f.next}`);
  }
  for (const s of reply.sections) out.push('', s.title, tableToText(s.table));
  const stats = reply.stats;
  out.push(
    '',
    `Source: ${reply.source.kind} ${reply.source.workspace} (${reply.source.schema})` +
      `${stats.rowsExamined !== undefined ? `, ${stats.rowsExamined.toLocaleString('en-US')} rows examined` : ''}, ${stats.queryMs} ms`,
  );
  if (reply.freshness)
    out.push(`Logs complete to ${reply.freshness.completeTo}, about ${reply.freshness.lagMinutes} min behind.`);
  out.push('', 'KQL:', reply.kql);
  return out.join('\n');
}
