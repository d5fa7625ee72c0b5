/**
 * Buttons over typing: every command a demo card's button sends (drill-downs, "Next", "did you mean",
 * "Compare with yesterday", refresh, retry) is one the parser accepts.
 */
import { buildCards, PINNED_NOW, type RenderedCard } from '../../scripts/render-cards';
import { loadConfig } from '../../src/config';
import { createTriage } from '../../src/triage';

type Node = Record<string, unknown>;

/** Every { title, command } an Action.Execute carries, wherever it sits on the card. */
function buttons(card: object): { title: string; command: string }[] {
  const out: { title: string; command: string }[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const n = v as Node;
    const data = n.data as Node | undefined;
    if (n.type === 'Action.Execute' && typeof data?.command === 'string')
      out.push({ title: String(n.title), command: data.command });
    Object.values(n).forEach(visit);
  };
  visit(card);
  return out;
}

let cards: RenderedCard[];
beforeAll(async () => {
  cards = await buildCards();
}, 120_000);

test('every button on every demo card sends a command the parser accepts', () => {
  const { triage } = createTriage(loadConfig({ NODE_ENV: 'development' }), { now: PINNED_NOW });
  const refused: string[] = [];
  let count = 0;
  for (const { c, card } of cards)
    for (const b of buttons(card)) {
      count++;
      const parsed = triage.parse(b.command, { now: PINNED_NOW });
      if (!parsed.ok) refused.push(`${c.name} [${b.title}] "${b.command}": ${parsed.error}`);
    }
  expect(refused).toEqual([]);
  expect(count).toBeGreaterThan(20);
});

test('triage answers offer "Compare with yesterday": the same window against the same window one day earlier', () => {
  const triage = cards.find((x) => x.c.name === 'triage')!;
  const compare = buttons(triage.card).find((b) => b.title === 'Compare with yesterday');
  expect(compare?.command).toBe('triage last 15m vs yesterday');
});
