/**
 * A recipe's "chart bar X Y" hint -> a bar chart of Y per X (401s by signature, 5xx by producer, failures per
 * backend) when its bars are few enough to label in a 360–560 px card, with a text fallback that names each bar.
 */
import type { AnswerSection } from '../answer';
import { cellNumber } from '../kql/cells';
import { fmtInt } from './format';
import { asText, cardText } from './sanitize';
import { NO_CHART, type ChartModel } from './timeline';

/** More bars than this and their names no longer fit under the chart. */
const MAX_BARS = 6;

/** Y per X in the order drawn (largest first), or null when the hint does not apply or the bars would not fit. */
function bars(s: AnswerSection): [string, number][] | null {
  const hint = s.chart;
  if (hint?.kind !== 'bar') return null;
  const iX = s.table.columns.findIndex((c) => c.name === hint.x);
  const iY = s.table.columns.findIndex((c) => c.name === hint.y);
  if (iX < 0 || iY < 0) return null;
  // A percentile never adds up across rows: a bar keeps its worst value.
  const worst = /P\d\d$/.test(hint.y);
  const per = new Map<string, number>();
  for (const r of s.table.rows) {
    const x = asText(r[iX]) || '(none)';
    const y = cellNumber(r[iY]) ?? 0;
    const before = per.get(x);
    per.set(x, before === undefined ? y : worst ? Math.max(before, y) : before + y);
  }
  if (per.size < 2 || per.size > MAX_BARS) return null;
  return [...per].sort((a, b) => b[1] - a[1]);
}

/** True when the section's bar hint can be drawn. */
export function hasBars(s: AnswerSection): boolean {
  return bars(s) !== null;
}

/** The bar chart of a section's hint (nothing when it cannot be drawn); `label` names a column for people. */
export function barChart(s: AnswerSection, label: (column: string) => string): ChartModel {
  const drawn = bars(s);
  if (!drawn || !s.chart) return NO_CHART;
  const yName = label(s.chart.y);
  const title = `${yName} by ${label(s.chart.x).toLowerCase()}`;
  const unit = /P\d\d$/.test(s.chart.y) ? ' ms' : '';
  return {
    hasChart: true,
    chartType: 'Chart.VerticalBar.Grouped',
    chartTitle: cardText(title, 120),
    xTitle: cardText(label(s.chart.x), 60),
    yTitle: cardText(unit ? 'ms' : yName, 60),
    series: [{ legend: cardText(yName, 60), values: drawn.map(([x, y]) => ({ x: cardText(x, 40), y })) }],
    chartFallback: cardText(`${title}: ${drawn.map(([x, y]) => `${x} ${fmtInt(y)}${unit}`).join(', ')}.`, 300),
  };
}
