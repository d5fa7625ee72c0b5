/**
 * Every card the bot sends for the demo (the set `npm run render-cards` draws) against its reading budget:
 * at most 25 KB of JSON and at most 1,400 px tall at 560 px wide with every toggle closed, drawn by the Adaptive
 * Cards renderer in real Chromium; at 360 px (a phone) and in the dark theme nothing spills out sideways, and
 * every button's title reads whole.
 */
import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { buildCards, expandAll, PINNED_NOW, type RenderedCard } from '../../scripts/render-cards';
import {
  CARD_WIDTH,
  cardPageHtml,
  clippedButtons,
  clippedTexts,
  ChromiumMissingError,
  DARK_PAGE,
  frameMetrics,
  launchChromium,
  PHONE_WIDTH,
  renderInPage,
  TEAMS_DARK_HOST_CONFIG,
  wordsBrokenAcrossLines,
  CARD_FONT,
  drawnTextWidths,
} from '../../scripts/lib/chromium';
import { TEAMS_HOST_CONFIG } from '../../scripts/lib/chromium';
import { cardBytes, cardToText, renderReply, CARD_BUDGET_BYTES } from '../../src/cards';
import { signCardActions, signingKey } from '../../src/bot/actionData';
import { smallTextPx } from '../../src/cards/textWidth';

const MAX_BYTES = 25 * 1024;
const MAX_HEIGHT = 1400;

let browser: Browser;
let page: Page;
let cards: RenderedCard[];

beforeAll(async () => {
  cards = await buildCards();
  try {
    browser = await launchChromium();
  } catch (err) {
    if (err instanceof ChromiumMissingError)
      throw new Error(
        `${err.message} The card budget test draws every card in real Chromium; .ci/run installs it on CI.`,
      );
    throw err;
  }
  const context = await browser.newContext({ viewport: { width: 640, height: 900 }, deviceScaleFactor: 1 });
  await context.route('**/*', (route) => route.abort());
  page = await context.newPage();
  await page.setContent(
    cardPageHtml(fs.readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8')),
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function draw(card: object, width: number, dark = false) {
  await page.evaluate(renderInPage, {
    card,
    hostConfig: dark ? TEAMS_DARK_HOST_CONFIG : TEAMS_HOST_CONFIG,
    width,
    ...(dark ? { theme: DARK_PAGE } : {}),
  });
  return page.evaluate(frameMetrics);
}

/** An allowance for a Chart.* element as Teams draws it (its height is not documented); the JS renderer draws only its text fallback. */
const CHART_PX = 200;

/** The card with every chart replaced by an empty block of a chart's height, so its drawn height is what Teams shows. */
function chartsAsDrawnByTeams(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(chartsAsDrawnByTeams);
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  if (typeof o.type === 'string' && o.type.startsWith('Chart.'))
    return { type: 'Container', minHeight: `${CHART_PX}px`, items: [], ...(o.id ? { id: o.id } : {}) };
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, chartsAsDrawnByTeams(v)]));
}

test('every demo card, signed: at most 25 KB and 1,400 px tall at 560 px, collapsed, charts drawn', async () => {
  const over: string[] = [];
  let withCharts = 0;
  // Measured as sent: the bot signs every button just before sending.
  const key = signingKey();
  for (const { c, card } of cards) {
    const bytes = cardBytes(signCardActions(card, key));
    const { height } = await draw(chartsAsDrawnByTeams(card) as object, CARD_WIDTH);
    if (bytes > MAX_BYTES || height > MAX_HEIGHT) over.push(`${c.name}: ${bytes} B, ${height} px`);
    if (height > (await draw(card, CARD_WIDTH)).height) withCharts++;
  }
  expect(over).toEqual([]);
  expect(cards.length).toBeGreaterThanOrEqual(12);
  // Most answers carry a chart, and drawing it makes them taller than the text fallback does.
  expect(withCharts).toBeGreaterThanOrEqual(8);
});

test('every demo card fits 360 px and the dark theme without spilling sideways', async () => {
  const spilled: string[] = [];
  for (const { c, card } of cards) {
    for (const [width, dark] of [
      [PHONE_WIDTH, false],
      [CARD_WIDTH, true],
      [PHONE_WIDTH, true],
    ] as const) {
      const { overflow } = await draw(card, width, dark);
      if (overflow > 0) spilled.push(`${c.name} at ${width} px${dark ? ' (dark)' : ''}: ${overflow} px`);
    }
  }
  expect(spilled).toEqual([]);
});

test('at 360 px every button reads whole and stays inside the card, collapsed and expanded', async () => {
  const triage = cards.find((x) => x.c.name === 'triage')!;
  // The Log Analytics link adds a fourth card-level button; it must not push the others off a phone.
  const withPortal = renderReply(triage.reply!, {
    now: PINNED_NOW,
    portalLink: 'https://portal.azure.com/#blade/Microsoft_OperationsManagementSuite_Workspace/Logs.ReactView',
    budgetBytes: CARD_BUDGET_BYTES,
  });
  const clipped: string[] = [];
  let seen = 0;
  const all: [string, object][] = [
    ...cards.map(({ c, card }): [string, object] => [c.name, card]),
    ['triage+portal', withPortal],
  ];
  for (const [name, card] of all) {
    for (const expanded of [false, true]) {
      await draw(card, PHONE_WIDTH);
      if (expanded) await expandAll(page);
      seen += await page.locator('#frame .ac-pushButton').count();
      for (const title of await page.evaluate(clippedButtons))
        clipped.push(`${name}${expanded ? ' (expanded)' : ''}: "${title}"`);
    }
  }
  expect(clipped).toEqual([]);
  expect(seen).toBeGreaterThan(50);
});

test('at 360 px every name a table cuts with an ellipsis is said in full once the table is open', async () => {
  const unsaid: string[] = [];
  let cut = 0;
  for (const { c, card } of cards) {
    await draw(card, PHONE_WIDTH);
    await expandAll(page);
    const full = cardToText(card)
      .split('\n')
      .filter((l) => l.trim().startsWith('In full: '))
      .flatMap((l) => l.trim().slice('In full: '.length).split(' · '));
    for (const text of await page.evaluate(clippedTexts)) {
      cut++;
      if (!full.includes(text)) unsaid.push(`${c.name}: "${text}"`);
    }
  }
  expect(unsaid).toEqual([]);
  // The check looked at something: a phone does cut names in the demo's tables.
  expect(cut).toBeGreaterThan(10);
});

test('at 360 px no word is broken across two lines, collapsed or expanded (headers like "Reques / ts")', async () => {
  const broken: string[] = [];
  let words = 0;
  for (const { c, card } of cards) {
    for (const expanded of [false, true]) {
      await draw(card, PHONE_WIDTH);
      if (expanded) await expandAll(page);
      for (const b of await page.evaluate(wordsBrokenAcrossLines))
        broken.push(`${c.name}${expanded ? ' (expanded)' : ''}: ${b}`);
      words++;
    }
  }
  expect(broken).toEqual([]);
  expect(words).toBe(cards.length * 2);
});

test('estimated text widths, by which tables size their columns, are never under what Chromium draws, nor a fifth over', async () => {
  // Headers, codes, counts, times, IPs and names as they appear in the demo's tables.
  const texts = ['Requests', 'Subscription', 'Backend', 'Gateway', 'p95', '3,475', '1,204', '192.0.2.145', '14:29:55'];
  texts.push('14:17:31–', 'CircuitBreaker', 'BackendConnectionFailure', 'payments-api', 'Failure %', 'WWW', 'illicit');
  const off: string[] = [];
  for (const bold of [false, true]) {
    const drawn = await page.evaluate(drawnTextWidths, { texts, font: `${bold ? 600 : 400} 12px ${CARD_FONT}` });
    texts.forEach((t, i) => {
      const estimate = smallTextPx(t, bold);
      if (estimate < drawn[i] || estimate > drawn[i] * 1.2 + 2)
        off.push(`${t}${bold ? ' (bold)' : ''}: ${estimate} vs ${drawn[i]}`);
    });
  }
  expect(off).toEqual([]);
});
