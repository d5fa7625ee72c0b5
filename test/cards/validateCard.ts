/** Parses a card with the Adaptive Cards library (UMD bundle; the ESM lib does not load in Node) and lists problems. */
import type * as ACT from 'adaptivecards';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof ACT;

type Node = Record<string, unknown>;

/** Every Chart.* element in a card, wherever it sits. */
export function chartsOf(json: object): Node[] {
  const out: Node[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const o = v as Node;
    if (typeof o.type === 'string' && o.type.startsWith('Chart.')) out.push(o);
    Object.values(o).forEach(visit);
  };
  visit(json);
  return out;
}

/**
 * Problems the library reports, plus one of ours. Chart.* elements are a Teams extension at 1.5 that the JS
 * library does not know: its "Unknown element type" event is accepted for them ONLY when the chart carries an
 * element `fallback` (what the library and older clients draw instead); a chart without one is a problem.
 */
export function validateCard(json: object): string[] {
  const ctx = new AC.SerializationContext();
  const card = new AC.AdaptiveCard();
  card.parse(json, ctx);
  const problems: string[] = [];
  for (const chart of chartsOf(json)) {
    const fb = chart.fallback as Node | undefined;
    if (!fb || typeof fb !== 'object' || typeof fb.type !== 'string' || fb.type.startsWith('Chart.')) {
      problems.push(`ChartWithoutFallback: ${String(chart.type)} has no element fallback`);
    }
  }
  const withFallback = new Set(
    chartsOf(json)
      .filter((c) => c.fallback && typeof c.fallback === 'object')
      .map((c) => String(c.type)),
  );
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    const unknown = /^Unknown element type "([^"]+)"/.exec(e.message);
    if (e.event === AC.ValidationEvent.UnknownElementType && unknown && withFallback.has(unknown[1])) continue;
    problems.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of card.validateProperties().validationEvents) {
    problems.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  return problems;
}
