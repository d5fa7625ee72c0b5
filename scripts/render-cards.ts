/**
 * `npm run render-cards`: draws every card the bot sends, as Teams would show it, into docs/cards/.
 * Each card comes from the real pipeline (parse -> recipe KQL on the embedded demo workspace -> classify
 * -> rank -> renderReply) with `now` pinned, so the PNGs only change when a card really changes.
 * The error card comes from a real Log Analytics client talking to a local service that refuses it (403).
 * Each card is rendered by the Adaptive Cards JS renderer in headless Chromium with a Teams-like host
 * config; next to each PNG goes a .txt (the card's text in reading order) and README.md indexes them all.
 *
 *   node dist/scripts/render-cards.js [--out DIR] [--only NAME[,NAME]]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import type { BotReply } from '../src/answer';
import { loadConfig } from '../src/config';
import { createTriage, TriageService } from '../src/triage';
import {
  CARD_BUDGET_BYTES,
  cardBytes,
  cardToText,
  renderReply,
  renderRunningCard,
  type AdaptiveCard,
} from '../src/cards';
import { buildLogAnalyticsSource } from '../src/logs/logAnalytics/logAnalyticsSource';
import { LaService } from '../test/support/laService/server';
import { SEED } from '../test/support/laService/seedErrors';
import { StaticTokenCredential } from '../test/support/laService/fakeCredential';
import { playgroundInstalled } from '../test/support/playground/playground';
import { shootPlayground } from './lib/playgroundShot';
import {
  CARD_WIDTH,
  cardPageHtml,
  ChromiumMissingError,
  DARK_PAGE,
  launchChromium,
  LIGHT_PAGE,
  PHONE_WIDTH,
  renderInPage,
  TEAMS_DARK_HOST_CONFIG,
  TEAMS_HOST_CONFIG,
  type PageRenderResult,
} from './lib/chromium';

/** The instant every card is drawn at: the demo incident's traffic ends here. */
export const PINNED_NOW = new Date('2026-11-23T14:30:00Z');
const ASKER = 'Alex Rivera';
/** Shown as the query time in answer footers (the real value varies run to run). */
const FOOTER_QUERY_MS = 150;

export interface CardCase {
  /** File name stem in docs/cards. */
  name: string;
  /** What was typed in the channel. */
  text: string;
  /** One line for the index. */
  about: string;
  /** 'demo': answered from the demo workspace; 'refused': from a Log Analytics that answers 403; 'running': the ack card. */
  source: 'demo' | 'refused' | 'running';
  /** Also drawn collapsed and expanded, at 560 and 360 px, light and dark (name-<state>-<width>-<theme>.png). */
  variants?: boolean;
}

export const CASES: CardCase[] = [
  {
    name: 'triage',
    text: 'triage last 15m',
    about: 'Ranked failure signatures of the last 15 minutes.',
    source: 'demo',
    variants: true,
  },
  {
    name: 'running',
    text: 'triage last 15m',
    about: 'The acknowledgement card shown while a command runs (replaced in place by the answer).',
    source: 'running',
  },
  {
    name: 'why-401-orders-api',
    text: 'why 401 on orders-api',
    about: 'Why one API answers 401: the signatures behind that status.',
    source: 'demo',
  },
  { name: 'why-500-payments-api', text: 'why 500 on payments-api', about: 'Why one API answers 500.', source: 'demo' },
  { name: 'tls', text: 'tls', about: 'Backend TLS failures per backend.', source: 'demo' },
  { name: '401s', text: '401s', about: 'The 401 breakdown (subscription key, JWT, ...).', source: 'demo' },
  { name: 'breakers', text: 'breakers', about: 'Backends whose circuit breaker tripped.', source: 'demo' },
  {
    name: 'breaker-shipping-backend',
    text: 'breaker shipping-backend',
    about: 'One breaker: the timeline of backend errors then 503s, and the verdict.',
    source: 'demo',
    variants: true,
  },
  { name: 'apis', text: 'apis', about: 'APIs that sent traffic, with their failure rates.', source: 'demo' },
  {
    name: '5xx',
    text: '5xx',
    about: 'The 5xx responses ranked like triage, and who produced them (gateway, policy, backend, client).',
    source: 'demo',
  },
  { name: 'why-5xx-shipping-api', text: 'why 5xx on shipping-api', about: "One API's 5xx responses.", source: 'demo' },
  {
    name: 'latency',
    text: 'latency',
    about:
      'p50/p95/p99 by API and operation, backend time vs gateway time, and the change against the previous window.',
    source: 'demo',
    variants: true,
  },
  {
    name: 'latency-shipping-api',
    text: 'slow requests on shipping-api',
    about: 'Latency of one API whose backend is slow.',
    source: 'demo',
  },
  {
    name: 'compare-yesterday',
    text: 'compare with yesterday',
    about: 'Triage against the same 15 minutes yesterday instead of the previous 15: what is new since yesterday.',
    source: 'demo',
  },
  {
    name: 'what-changed',
    text: 'what changed',
    about:
      'Control-plane writes to API Management in the window and the hour before, from the Activity log (AzureActivity).',
    source: 'demo',
  },
  {
    name: 'callers-bad-key',
    text: 'who is calling orders-api with a bad key',
    about: 'The caller IPs and APIM subscriptions and products behind the key failures on one API.',
    source: 'demo',
  },
  { name: 'help', text: 'help', about: 'The command list.', source: 'demo' },
  {
    name: 'unknown-command',
    text: 'triaje',
    about: 'A command the bot does not understand: the problem and suggestions.',
    source: 'demo',
  },
  {
    name: 'error-insufficient-access',
    text: 'triage last 15m',
    about: 'Log Analytics refuses the bot (403 InsufficientAccessError): what happened and how to fix it.',
    source: 'refused',
  },
];

/** The part of the triage the message handler uses (TriageService and the workspace hub both have it). */
type Triage = Pick<TriageService, 'parse' | 'run' | 'help'>;

/** What the bot answers for a text, exactly as the message handler decides it. */
async function replyFor(triage: Triage, text: string): Promise<BotReply> {
  const parsed = triage.parse(text, { now: PINNED_NOW });
  if (!parsed.ok) return triage.help(parsed.error, parsed.suggestions);
  if (parsed.command.kind === 'help') return triage.help();
  return triage.run(parsed.command, { requestedBy: ASKER });
}

/** A workspace id-shaped value; never a real one. */
const REFUSED_WORKSPACE = '6c1a3f52-0d4e-4b8f-9a71-2e5d8c0b9f14';

/** Runs `text` against a real Log Analytics client whose service answers 403 InsufficientAccessError. */
async function refusedReply(text: string): Promise<BotReply> {
  const service = await LaService.start({
    executor: () => {
      throw new Error('the refusing service never runs a query');
    },
  });
  try {
    service.inject({ ...SEED.insufficientAccess, times: 1000 });
    const source = buildLogAnalyticsSource({
      workspaceId: REFUSED_WORKSPACE,
      endpoint: service.endpoint,
      credential: new StaticTokenCredential(),
      caCertificates: service.ca,
      identityLabel: "the bot's managed identity (client id 3f0d8a2e-5b1c-4e7f-8d26-91a4c7e0b5d3)",
    });
    const triage = new TriageService({
      source,
      now: () => PINNED_NOW,
      identity: "the bot's managed identity (client id 3f0d8a2e-5b1c-4e7f-8d26-91a4c7e0b5d3)",
    });
    return await replyFor(triage, text);
  } finally {
    await service.close();
  }
}

export interface RenderedCard {
  c: CardCase;
  card: AdaptiveCard;
  reply?: BotReply;
}

/** Every card in CASES, built by the real pipeline. */
export async function buildCards(cases: CardCase[] = CASES): Promise<RenderedCard[]> {
  // A clean environment: a developer's .env must not turn the demo pictures into queries on their workspace.
  const config = loadConfig({ NODE_ENV: 'development' });
  const { triage } = createTriage(config, { now: PINNED_NOW });
  const out: RenderedCard[] = [];
  for (const c of cases) {
    if (c.source === 'running') {
      const parsed = triage.parse(c.text, { now: PINNED_NOW });
      if (!parsed.ok) throw new Error(`"${c.text}" does not parse: ${parsed.error}`);
      out.push({ c, card: renderRunningCard(parsed.command, PINNED_NOW) });
      continue;
    }
    const reply = c.source === 'refused' ? await refusedReply(c.text) : await replyFor(triage, c.text);
    // The footer's query time and "asked at" are wall-clock; fixed here so a picture changes only when its card does.
    if (reply.type === 'answer') {
      reply.stats = { ...reply.stats, queryMs: FOOTER_QUERY_MS };
      reply.askedAt = PINNED_NOW.toISOString();
    }
    out.push({ c, reply, card: renderReply(reply, { now: PINNED_NOW, budgetBytes: CARD_BUDGET_BYTES }) });
  }
  return out;
}

interface Shot {
  c: CardCase;
  bytes: number;
  render: PageRenderResult;
  replyType: string;
  size: { width: number; height: number };
  /** Variant pictures: file name and what they show. */
  variants: { file: string; label: string; height: number }[];
}

/**
 * Opens what a reader can open: the first finding's details, then every "Show …" toggle (more findings,
 * tables, rows), but not the KQL.
 */
export async function expandAll(page: Page): Promise<void> {
  const row = page.locator('#frame .ac-selectable:not(.ac-pushButton)').first();
  if ((await row.count()) > 0) await row.click();
  const toggles = page.locator('#frame .ac-pushButton', { hasText: /^Show (?!KQL)/ });
  for (let i = 0; i < (await toggles.count()); i++) await toggles.nth(i).click();
}

interface Look {
  expanded: boolean;
  width: number;
  dark: boolean;
}

async function draw(page: Page, card: AdaptiveCard, look: Look): Promise<PageRenderResult> {
  const render = await page.evaluate(renderInPage, {
    card,
    hostConfig: look.dark ? TEAMS_DARK_HOST_CONFIG : TEAMS_HOST_CONFIG,
    width: look.width,
    theme: look.dark ? DARK_PAGE : LIGHT_PAGE,
  });
  if (look.expanded) await expandAll(page);
  return render;
}

async function snap(page: Page, file: string): Promise<{ width: number; height: number }> {
  const frame = page.locator('#frame');
  await frame.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  const box = (await frame.boundingBox()) ?? { width: 0, height: 0 };
  return { width: Math.round(box.width), height: Math.round(box.height) };
}

const LOOKS: Look[] = [false, true].flatMap((expanded) =>
  [CARD_WIDTH, PHONE_WIDTH].flatMap((width) => [false, true].map((dark) => ({ expanded, width, dark }))),
);

async function shoot(page: Page, item: RenderedCard, outDir: string): Promise<Shot> {
  const variants: Shot['variants'] = [];
  if (item.c.variants) {
    for (const look of LOOKS) {
      const state = look.expanded ? 'expanded' : 'collapsed';
      const theme = look.dark ? 'dark' : 'light';
      const file = `${item.c.name}-${state}-${look.width}-${theme}.png`;
      await draw(page, item.card, look);
      const size = await snap(page, path.join(outDir, file));
      variants.push({ file, label: `${state}, ${look.width} px, ${theme}`, height: size.height });
    }
  }
  // The main picture: what a reader sees first (collapsed, 560 px, light).
  const render = await draw(page, item.card, { expanded: false, width: CARD_WIDTH, dark: false });
  const size = await snap(page, path.join(outDir, `${item.c.name}.png`));
  fs.writeFileSync(path.join(outDir, `${item.c.name}.txt`), `${cardToText(item.card).trimEnd()}\n`);
  return {
    c: item.c,
    bytes: cardBytes(item.card),
    render,
    replyType: item.reply?.type ?? 'running',
    size,
    variants,
  };
}

function indexMarkdown(shots: Shot[], withPlayground: boolean): string {
  const charts = shots.filter((s) => s.render.unknownTypes.some((t) => t.startsWith('Chart.'))).map((s) => s.c.name);
  const lines = [
    '# Bot cards, as rendered',
    '',
    'Generated by `npm run render-cards` (scripts/render-cards.ts); do not edit by hand.',
    `Every card comes from the real pipeline on the embedded demo workspace with now = ${PINNED_NOW.toISOString()}, and is drawn by the`,
    'Adaptive Cards JS renderer (adaptivecards 3.0.6) in headless Chromium with a Teams-like light host config, 560 px wide,',
    'every toggle closed (what a reader sees first). Triage, breaker and latency cards are also drawn expanded, at 360 px (a phone)',
    'and with a dark host config. `test/cards/budget.test.ts` holds every card to 25 KB (signed) and 1,400 px at 560 px,',
    'each chart counted as 200 px tall, an allowance for how Teams draws it (the pictures show its shorter text fallback).',
    'The JS renderer is not Teams: fonts, spacing and button styles are close, not identical. A Markdown subset',
    '(bold, italic, links, escapes, line breaks) is rendered as Teams does. Answer footers show a fixed query time',
    `(${FOOTER_QUERY_MS} ms) so pictures change only when a card does. Each \`.txt\` is the card's text in reading order`,
    'with every toggle opened.',
    '',
    charts.length
      ? `Chart elements (Chart.*) are a Teams extension the JS renderer does not know; these cards show their \`fallback\` instead: ${charts.join(', ')}.`
      : 'No card contains a Chart.* element (the renderer would show its `fallback`); sections are drawn as Tables.',
    '',
    '| Card | Typed | Reply | JSON size | Picture (width×height) | Notes |',
    '|---|---|---|---|---|---|',
  ];
  for (const s of shots) {
    const notes = [
      s.c.about,
      s.render.unknownTypes.length ? `Drawn from fallback: ${s.render.unknownTypes.join(', ')}.` : '',
      s.render.warnings.length
        ? `Renderer warnings: ${s.render.warnings.map((w) => w.replace(/\.$/, '')).join('; ')}.`
        : '',
    ].filter(Boolean);
    lines.push(
      `| [${s.c.name}](${s.c.name}.png) | \`${s.c.text}\` | ${s.replyType} | ${(s.bytes / 1024).toFixed(1)} KB | ${s.size.width}×${s.size.height} ([text](${s.c.name}.txt)) | ${notes.join(' ').replace(/\|/g, '\\|')} |`,
    );
  }
  lines.push('');
  if (withPlayground) {
    lines.push(
      '## The triage answer in the Agents Playground',
      '',
      'The same command sent through the Microsoft 365 Agents Playground (its own card renderer, a narrower chat column,',
      'no full-width cards), as `npm run playground` shows it. Its timestamps are the wall clock, so this picture changes on every run.',
      '',
      '![playground-triage](playground-triage.png)',
      '',
    );
  }
  for (const s of shots) {
    lines.push(`## ${s.c.name}: \`${s.c.text}\``, '', `![${s.c.name}](${s.c.name}.png)`, '');
    if (!s.variants.length) continue;
    lines.push('| State, width, theme | Height | Picture |', '|---|---|---|');
    for (const v of s.variants) lines.push(`| ${v.label} | ${v.height} px | [${v.file}](${v.file}) |`);
    lines.push('');
  }
  return lines.join('\n');
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      only: { type: 'string' },
      'no-playground': { type: 'boolean', default: false },
    },
  });
  const root = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
  const outDir = path.resolve(values.out ?? path.join(root, 'docs', 'cards'));
  const only = values.only?.split(',').map((s) => s.trim());
  const cases = only ? CASES.filter((c) => only.includes(c.name)) : CASES;
  if (only && cases.length !== only.length) {
    const known = new Set(CASES.map((c) => c.name));
    process.stderr.write(
      `Unknown card name(s): ${only.filter((n) => !known.has(n)).join(', ')}. Known: ${[...known].join(', ')}\n`,
    );
    return 2;
  }
  fs.mkdirSync(outDir, { recursive: true });

  const cards = await buildCards(cases);
  const renderer = fs.readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8');
  const browser = await launchChromium();
  const shots: Shot[] = [];
  try {
    const context = await browser.newContext({
      viewport: { width: 640, height: 900 },
      deviceScaleFactor: 1,
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    // Offline by construction: the page is a string; anything it tries to fetch is refused.
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(cardPageHtml(renderer));
    for (const item of cards) {
      const shot = await shoot(page, item, outDir);
      shots.push(shot);
      const flags = [
        ...shot.variants.map((v) => `${v.label}: ${v.height} px`),
        ...shot.render.unknownTypes.map((t) => `fallback:${t}`),
        ...shot.render.warnings,
      ].filter(Boolean);
      process.stdout.write(
        `${item.c.name.padEnd(26)} ${shot.replyType.padEnd(7)} ${String(shot.bytes).padStart(6)} B  ${shot.size.width}x${shot.size.height}${flags.length ? `  ${flags.join(' | ')}` : ''}\n`,
      );
    }
    if (!only && !values['no-playground']) {
      if (playgroundInstalled()) {
        const file = await shootPlayground(browser, outDir, PINNED_NOW);
        process.stdout.write(
          `${'playground-triage'.padEnd(26)} the triage answer in the Agents Playground UI -> ${path.basename(file)}\n`,
        );
      } else {
        process.stdout.write('playground-triage          skipped: @microsoft/m365agentsplayground is not installed\n');
      }
    }
  } finally {
    await browser.close();
  }
  if (!only)
    fs.writeFileSync(
      path.join(outDir, 'README.md'),
      indexMarkdown(shots, !values['no-playground'] && playgroundInstalled()),
    );
  process.stdout.write(`Wrote ${shots.length} cards to ${path.relative(process.cwd(), outDir) || outDir}\n`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      const msg =
        err instanceof ChromiumMissingError
          ? err.message
          : `render-cards failed: ${err instanceof Error ? err.message : String(err)}`;
      process.stderr.write(`${msg}\n`);
      process.exitCode = 1;
    },
  );
}
