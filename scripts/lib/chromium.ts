/**
 * Headless Chromium for the card screenshots: the distribution's own browser (Debian `chromium`), driven
 * by playwright-core. Nothing is downloaded; every page request other than the inline page is refused, so
 * a card that references a remote image cannot make the run depend on the network.
 */
import * as fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type * as AdaptiveCards from 'adaptivecards';

/** The two DOM calls the page render makes. */
interface PageDocument {
  getElementById(
    id: string,
  ): { innerHTML: string; style: Record<string, string>; appendChild(node: unknown): unknown } | null;
}

/** Flags for a quiet, offline, reproducible browser (no GPU, no background updates or sync). */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Same text rasterisation on every run, so regenerated PNGs only change when a card changes.
  '--font-render-hinting=none',
];

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export class ChromiumMissingError extends Error {}

/** CHROMIUM_PATH, else the first installed system browser. */
function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const wanted = env.CHROMIUM_PATH;
  if (wanted) {
    if (!fs.existsSync(wanted)) throw new ChromiumMissingError(`CHROMIUM_PATH=${wanted} does not exist.`);
    return wanted;
  }
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) {
    throw new ChromiumMissingError(
      `No Chromium found (looked in ${CANDIDATES.join(', ')}). Install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  return found;
}

export async function launchChromium(env: NodeJS.ProcessEnv = process.env): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(env), headless: true, args: CHROMIUM_FLAGS });
}

/**
 * A Teams-like host config (light theme): Segoe UI first, with metric-compatible fallbacks present on
 * Linux boxes, Teams' text sizes (12/14/14/18/24), weights and its neutral/purple palette.
 */
const FONT =
  "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif";
const MONO = "Consolas, Menlo, 'Liberation Mono', 'DejaVu Sans Mono', monospace";
const SIZES = { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 };
const WEIGHTS = { lighter: 300, default: 400, bolder: 600 };

type Foreground = Record<
  'default' | 'dark' | 'light' | 'accent' | 'good' | 'warning' | 'attention',
  { default: string; subtle: string }
>;

const LIGHT_TEXT: Foreground = {
  default: { default: '#242424', subtle: '#616161' },
  dark: { default: '#242424', subtle: '#424242' },
  light: { default: '#FFFFFF', subtle: '#F5F5F5' },
  accent: { default: '#5B5FC7', subtle: '#4F52B2' },
  good: { default: '#0E700E', subtle: '#107C10' },
  warning: { default: '#835B00', subtle: '#7A5600' },
  attention: { default: '#C4314B', subtle: '#B10E1C' },
};

/** Teams' dark theme: light text on #292929; every colour keeps 4.5:1 on every container style below. */
const DARK_TEXT: Foreground = {
  default: { default: '#FFFFFF', subtle: '#ADADAD' },
  dark: { default: '#242424', subtle: '#424242' },
  light: { default: '#FFFFFF', subtle: '#F5F5F5' },
  accent: { default: '#A7ABF7', subtle: '#9EA2FF' },
  good: { default: '#92C353', subtle: '#9FD89F' },
  warning: { default: '#F8D22A', subtle: '#FCE100' },
  attention: { default: '#F38A96', subtle: '#F1A7AF' },
};

function palette(background: string, text: Foreground) {
  return { backgroundColor: background, foregroundColors: text };
}

/** The page around the card: frame and button colours per theme. */
export interface PageTheme {
  page: string;
  frame: string;
  border: string;
  button: string;
  buttonText: string;
}

const hostConfig = (styles: Record<string, string>, text: Foreground, separator: string) => ({
  supportsInteractivity: true,
  fontFamily: FONT,
  fontTypes: {
    default: { fontFamily: FONT, fontSizes: SIZES, fontWeights: WEIGHTS },
    monospace: { fontFamily: MONO, fontSizes: SIZES, fontWeights: WEIGHTS },
  },
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: separator },
  imageSizes: { small: 32, medium: 52, large: 100 },
  containerStyles: Object.fromEntries(Object.entries(styles).map(([k, bg]) => [k, palette(bg, text)])),
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 16, style: 'emphasis' },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
  },
  factSet: {
    title: { weight: 'bolder', size: 'default', wrap: true, maxWidth: 150 },
    value: { wrap: true },
    spacing: 12,
  },
});

export const TEAMS_HOST_CONFIG = hostConfig(
  {
    default: '#FFFFFF',
    emphasis: '#F5F5F5',
    accent: '#E8EBFA',
    good: '#F1FAF1',
    attention: '#FDF3F4',
    warning: '#FBF6D9',
  },
  LIGHT_TEXT,
  '#E0E0E0',
);

export const TEAMS_DARK_HOST_CONFIG = hostConfig(
  {
    default: '#292929',
    emphasis: '#1F1F1F',
    accent: '#2F2F4A',
    good: '#0D260D',
    attention: '#3E1F25',
    warning: '#463100',
  },
  DARK_TEXT,
  '#3D3D3D',
);

export const LIGHT_PAGE: PageTheme = {
  page: '#F5F5F5',
  frame: '#FFFFFF',
  border: '#E0E0E0',
  button: '#FFFFFF',
  buttonText: '#242424',
};
export const DARK_PAGE: PageTheme = {
  page: '#1F1F1F',
  frame: '#292929',
  border: '#3D3D3D',
  button: '#292929',
  buttonText: '#FFFFFF',
};

/** Teams draws bot cards at most about 560 px wide in a channel on desktop; phones give about 360 px. */
export const CARD_WIDTH = 560;
export const PHONE_WIDTH = 360;

/** Buttons and frame roughly as Teams draws them; the renderer itself styles everything else inline. */
const PAGE_CSS = `
  html, body { margin: 0; background: #F5F5F5; }
  body { padding: 16px; font-family: ${FONT}; }
  #frame { width: ${CARD_WIDTH}px; background: #FFFFFF; border: 1px solid #E0E0E0; border-radius: 6px;
           box-shadow: 0 1px 2px rgba(0,0,0,0.12); overflow: hidden; }
  .ac-pushButton { font-family: ${FONT}; font-size: 14px; font-weight: 600; color: #242424; background: #FFFFFF;
                   border: 1px solid #D1D1D1; border-radius: 4px; padding: 5px 12px; min-height: 32px; cursor: pointer;
                   overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .ac-pushButton.expanded { background: #EBEBEB; }
  .ac-selectable { cursor: pointer; }
  *, *::before, *::after { animation: none !important; transition: none !important; caret-color: transparent !important; }
`;

/** An HTML page holding the Adaptive Cards UMD bundle and an empty frame the card is drawn into. */
export function cardPageHtml(rendererSource: string): string {
  // The bundle is inlined: the page is built from a string and makes no requests at all.
  const safe = rendererSource.replace(/<\/script/gi, '<\\/script');
  return `<!doctype html><html><head><meta charset="utf-8"><style>${PAGE_CSS}</style><style id="theme"></style>
<script>${safe}</script></head><body><div id="frame"></div></body></html>`;
}

/** What the in-page renderer reports back for one card. */
export interface PageRenderResult {
  /** Parse/validation events from the renderer (unknown element types, invalid values...). */
  warnings: string[];
  /** Element types the renderer does not know and therefore replaced with their fallback (or dropped). */
  unknownTypes: string[];
}

/**
 * Runs inside the page: parse the card with the Teams host config, render it into #frame.
 * Written as a self-contained function because Playwright serialises it into the page.
 */
export function renderInPage(args: {
  card: unknown;
  hostConfig: unknown;
  width?: number;
  theme?: PageTheme;
}): PageRenderResult {
  // The project compiles without DOM typings; in the page these globals exist.
  const g = globalThis as unknown as { AdaptiveCards: typeof AdaptiveCards; document: PageDocument };
  const AC = g.AdaptiveCards;
  const frame = g.document.getElementById('frame');
  const root = g.document.getElementById('theme');
  if (frame) frame.innerHTML = '';
  if (root && args.theme) {
    const t = args.theme;
    root.innerHTML = `body { background: ${t.page}; } #frame { background: ${t.frame}; border-color: ${t.border}; }
      .ac-pushButton { background: ${t.button}; color: ${t.buttonText}; border-color: ${t.border}; }`;
  }
  if (frame && args.width) frame.style.width = `${args.width}px`;
  // Teams renders the Markdown subset in TextBlocks and fact values (bold, italic, links, escapes, line
  // breaks); without a processor the JS renderer would show "\\_" and "**" literally, unlike Teams.
  AC.AdaptiveCard.onProcessMarkdown = (text: string, result: { didProcess: boolean; outputHtml?: string }) => {
    const kept: string[] = [];
    let html = text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
    // Escaped characters wait behind private-use markers while the Markdown rules run.
    html = html.replace(/\\([\\`*_{}[\]()#+\-.!~|>])/g, (_m, ch: string) => {
      kept.push(ch);
      return `\ue000${kept.length - 1}\ue000`;
    });
    html = html
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) =>
        /^(https?:|mailto:)/i.test(url)
          ? `<a href="${url}" style="color:#5B5FC7;text-decoration:none">${label}</a>`
          : label,
      )
      .replace(/\*\*([^*]+?)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[^\w*])\*([^*\s][^*]*?)\*(?!\w)/g, '$1<em>$2</em>')
      .replace(/(^|[^\w])_([^_\s][^_]*?)_(?!\w)/g, '$1<em>$2</em>')
      .replace(/~~([^~]+)~~/g, '<del>$1</del>')
      .replace(/`([^`]+)`/g, '<code style="font-family:Consolas,\'Liberation Mono\',monospace">$1</code>')
      .replace(/\n/g, '<br>');
    result.outputHtml = html.replace(/\ue000(\d+)\ue000/g, (_m, i: string) => kept[Number(i)] ?? '');
    result.didProcess = true;
  };
  const card = new AC.AdaptiveCard();
  card.hostConfig = new AC.HostConfig(args.hostConfig);
  const ctx = new AC.SerializationContext();
  const unknownTypes: string[] = [];
  const seen = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(seen);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (
      typeof o.type === 'string' &&
      o.type !== 'AdaptiveCard' &&
      !o.type.startsWith('Action.') &&
      !AC.GlobalRegistry.elements.findByName(o.type)
    ) {
      if (!['Column', 'TableRow', 'TableCell', 'TextRun', 'Fact'].includes(o.type)) unknownTypes.push(o.type);
    }
    for (const v of Object.values(o)) seen(v);
  };
  seen(args.card);
  card.parse(args.card, ctx);
  const warnings: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    warnings.push(`${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
  }
  for (const e of card.validateProperties().validationEvents)
    warnings.push(`${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
  // Typed HTMLElement by the library; without DOM typings only "a node to append" is known here.
  const el = (card as { render(): unknown }).render();
  if (el) frame?.appendChild(el);
  return { warnings, unknownTypes: [...new Set(unknownTypes)] };
}

/**
 * Runs inside the page after renderInPage: the card's drawn height and how far its content spills past the
 * frame sideways (0 when nothing is clipped).
 */
export function frameMetrics(): { height: number; overflow: number } {
  const g = globalThis as unknown as {
    document: {
      getElementById(id: string): {
        scrollWidth: number;
        clientWidth: number;
        getBoundingClientRect(): { height: number };
      } | null;
    };
  };
  const frame = g.document.getElementById('frame');
  if (!frame) return { height: 0, overflow: 0 };
  return { height: Math.round(frame.getBoundingClientRect().height), overflow: frame.scrollWidth - frame.clientWidth };
}

/**
 * Runs inside the page after renderInPage: every button whose title is cut (text wider than the button) or that
 * reaches past the card's right edge, by title. Empty when every button reads whole.
 */
export function clippedButtons(): string[] {
  interface Box {
    right: number;
  }
  interface El {
    scrollWidth: number;
    clientWidth: number;
    textContent: string | null;
    getBoundingClientRect(): Box;
    querySelectorAll(sel: string): ArrayLike<El>;
  }
  const g = globalThis as unknown as {
    document: { getElementById(id: string): El | null; querySelectorAll(sel: string): ArrayLike<El> };
  };
  const frame = g.document.getElementById('frame');
  if (!frame) return [];
  const edge = frame.getBoundingClientRect().right;
  return (
    Array.from(g.document.querySelectorAll('#frame .ac-pushButton'))
      // The renderer ellipsises the title in a div inside the button, so the button itself never looks clipped.
      .filter((b) =>
        [b, ...Array.from(b.querySelectorAll('*'))].some(
          (e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > edge + 0.5,
        ),
      )
      .map((b) => (b.textContent ?? '').trim())
  );
}

/** Runs inside the page after renderInPage: the text of every TextBlock the card cuts with an ellipsis. */
export function clippedTexts(): string[] {
  interface El {
    scrollWidth: number;
    clientWidth: number;
    textContent: string | null;
  }
  const g = globalThis as unknown as { document: { querySelectorAll(sel: string): ArrayLike<El> } };
  return Array.from(g.document.querySelectorAll('#frame .ac-textBlock'))
    .filter((e) => e.scrollWidth > e.clientWidth + 1)
    .map((e) => (e.textContent ?? '').trim());
}

/**
 * Runs in the page: the words a drawn card breaks across two lines (for example a header drawn "Reques / ts"),
 * as "word in: text". A word is what a reader would not split: text between spaces, also split after hyphens and
 * slashes, where a break is expected, and at most 24 characters. Monospaced blocks (the KQL) are left out: code
 * lines wrap where they must.
 */
export function wordsBrokenAcrossLines(): string[] {
  interface Rect {
    top: number;
    width: number;
  }
  interface TextNode {
    textContent: string | null;
  }
  interface DomRange {
    setStart(n: TextNode, o: number): void;
    setEnd(n: TextNode, o: number): void;
    getClientRects(): ArrayLike<Rect>;
  }
  interface El {
    textContent: string | null;
  }
  interface Doc {
    querySelectorAll(sel: string): ArrayLike<El>;
    createRange(): DomRange;
    createTreeWalker(root: El, what: number): { nextNode(): TextNode | null };
  }
  const g = globalThis as unknown as { document: Doc; getComputedStyle(e: El): { fontFamily: string } };
  const doc = g.document;
  const broken: string[] = [];
  for (const block of Array.from(doc.querySelectorAll('#frame .ac-textBlock'))) {
    if (/mono|consol|courier/i.test(g.getComputedStyle(block).fontFamily)) continue;
    const walker = doc.createTreeWalker(block, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (const m of text.matchAll(/[^\s\-/–]+[-/–]?/g)) {
        // A word longer than any phone column (a .NET callback name in a message) has to break somewhere.
        if (m[0].length < 2 || m[0].length > 24 || m.index === undefined) continue;
        const range = doc.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        // A word on two lines has boxes at two heights (several boxes on one line are one drawn word).
        const tops = new Set(
          Array.from(range.getClientRects())
            .filter((r) => r.width > 0)
            .map((r) => Math.round(r.top)),
        );
        if (tops.size > 1) broken.push(`${m[0]} in: ${(block.textContent ?? '').trim()}`);
      }
    }
  }
  return broken;
}

/** The card font of the host configs above, for measuring text outside a card. */
export const CARD_FONT = FONT;

/** Runs in the page: the drawn width of each text in `font` (a CSS font shorthand), in CSS pixels. */
export function drawnTextWidths(args: { texts: string[]; font: string }): number[] {
  interface Span {
    style: { font: string; whiteSpace: string };
    textContent: string | null;
    getBoundingClientRect(): { width: number };
    remove(): void;
  }
  const doc = (
    globalThis as unknown as { document: { createElement(t: string): Span; body: { appendChild(s: Span): void } } }
  ).document;
  return args.texts.map((text) => {
    const span = doc.createElement('span');
    span.style.font = args.font;
    span.style.whiteSpace = 'nowrap';
    span.textContent = text;
    doc.body.appendChild(span);
    const width = span.getBoundingClientRect().width;
    span.remove();
    return width;
  });
}
