/**
 * BotReply -> Adaptive Card JSON (version 1.5) through the templates in cards/*.json.
 * Guarantees: no unexpanded "${...}" reaches a card, template errors become a plain fallback card,
 * and every card stays under CARD_BUDGET_BYTES by showing fewer details (never by cutting JSON).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'adaptivecards-templating';
import type { BotReply } from '../answer';
import type { Command } from '../commands/types';
import {
  answerModel,
  DEFAULT_LIMITS,
  errorModel,
  helpModel,
  runningModel,
  type AnswerLimits,
  type RenderOptions,
} from './viewModel';
import { plainText } from './sanitize';

export type { RenderOptions } from './viewModel';
export type AdaptiveCard = Record<string, unknown>;

/**
 * Teams accepts ~100 KB per message (UTF-16, so a 40 KB card counts as ~80 KB) and peers report 413s far below
 * that; 25 KB, signatures included, keeps a card well clear and short enough to read during an outage. The
 * renderer counts the bytes the bot's signing adds to each button (SIGNED_BYTES_PER_ACTION) before it decides
 * that a card fits, so this is also the budget the bot renders into.
 */
export const CARD_BUDGET_BYTES = 25 * 1024;
/** Signing adds `,"kid":"<8 hex>","sig":"<43 base64url>"` (70 bytes) to each Action.Execute's data; 80 with margin. */
const SIGNED_BYTES_PER_ACTION = 80;
/** Findings that keep their expandable details for as long as anything else can be trimmed instead. */
export const MIN_DETAILED = 3;
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export type TemplateName = 'answer' | 'running' | 'error' | 'help';

/** Found from both src/cards (ts-node/jest) and dist/src/cards (compiled): walk up to the repo root. */
function templateDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'cards');
    if (fs.existsSync(path.join(candidate, 'answer.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`Card templates (cards/*.json) not found above ${__dirname}`);
}

const cache = new Map<TemplateName, Template>();

function template(name: TemplateName): Template {
  let t = cache.get(name);
  if (!t) {
    const json: unknown = JSON.parse(fs.readFileSync(path.join(templateDir(), `${name}.json`), 'utf8'));
    t = new Template(json);
    cache.set(name, t);
  }
  return t;
}

export class CardRenderError extends Error {}

/** Expands one template; throws CardRenderError when expansion fails or leaves a binding unresolved. */
export function expand(name: TemplateName, data: object): AdaptiveCard {
  let card: AdaptiveCard;
  try {
    card = template(name).expand({ $root: data }) as AdaptiveCard;
  } catch (err) {
    throw new CardRenderError(`Template ${name}.json failed to expand: ${(err as Error).message}`);
  }
  const text = JSON.stringify(card);
  const m = /\$\{[^}]*\}?/.exec(text);
  if (m) throw new CardRenderError(`Template ${name}.json left an unresolved binding ${m[0].slice(0, 60)}`);
  dropDefaults(card);
  return card;
}

export function cardBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/** Every Action.Execute carrying data (wherever it sits: body, actions, refresh). */
function signedActions(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, v) => n + signedActions(v), 0);
  if (!node || typeof node !== 'object') return 0;
  const o = node as Record<string, unknown>;
  const own = o.type === 'Action.Execute' && o.data && typeof o.data === 'object' ? 1 : 0;
  return Object.values(o).reduce((n: number, v) => n + signedActions(v), own);
}

/** The card's size once the bot has signed its buttons. */
function signedBytes(card: object): number {
  return cardBytes(card) + signedActions(card) * SIGNED_BYTES_PER_ACTION;
}

/** `"wrap": false` is every TextBlock's default; table cells repeat it hundreds of times, so it is left out. */
function dropDefaults(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropDefaults);
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o.type === 'TextBlock' && o.wrap === false) delete o.wrap;
  Object.values(o).forEach(dropDefaults);
}

/** Built without templates so it cannot fail the way a template can. */
function fallbackCard(title: string, text: string): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: plainText(title, 200), weight: 'Bolder', wrap: true, color: 'Attention' },
      { type: 'TextBlock', text: plainText(text, 2000), wrap: true },
    ],
  };
}

/**
 * Next smaller set of limits, or null when nothing is left to shrink. Order of sacrifice: the hidden KQL text
 * beyond 1,500 characters ("Full KQL" still shows it), then details of the shown findings down to MIN_DETAILED,
 * then the KQL beyond 400 characters, then section rows, and only then the one-line rows behind "Show N more"
 * (every finding keeps its line while anything else can go).
 */
function shrink(l: AnswerLimits, findings: number): AnswerLimits | null {
  const detailed = Math.min(l.detailed, findings);
  const brief = Math.min(l.brief, Math.max(0, findings - detailed));
  if (l.kqlChars > 1500) return { ...l, kqlChars: 1500 };
  if (detailed > MIN_DETAILED) return { ...l, detailed: detailed - 1 };
  if (l.kqlChars > 400) return { ...l, kqlChars: 400 };
  // A table of one or two rows says little: below three it goes whole, with a line saying so.
  if (l.sectionRows > 5) return { ...l, sectionRows: Math.floor(l.sectionRows / 2) };
  if (l.sectionRows > 3) return { ...l, sectionRows: 3 };
  if (l.sectionRows > 0) return { ...l, sectionRows: 0 };
  if (brief > 0) return { ...l, detailed, brief: Math.floor(brief / 2) };
  if (detailed > 1) return { ...l, detailed: detailed - 1 };
  if (l.kqlChars > 200) return { ...l, kqlChars: 200 };
  return null;
}

function renderAnswer(reply: Extract<BotReply, { type: 'answer' }>, opts: RenderOptions, budget: number): AdaptiveCard {
  let limits: AnswerLimits | null = { ...DEFAULT_LIMITS };
  let card = expand('answer', answerModel(reply, opts, limits));
  while (signedBytes(card) > budget) {
    limits = shrink(limits, reply.findings.length);
    if (!limits) break;
    card = expand('answer', answerModel(reply, opts, limits));
  }
  if (signedBytes(card) > budget) {
    // Only pathological inputs get here (e.g. hundreds of sections); say so instead of failing the send.
    return fallbackCard(
      reply.title,
      `${reply.summary}\n\nThe full answer is too large for a Teams card; narrow it to one API ("on <api>") or a shorter window.`,
    );
  }
  return card;
}

/** The Adaptive Card for any bot reply. Never throws: a failed template becomes a plain explanatory card. */
export function renderReply(reply: BotReply, opts: RenderOptions & { budgetBytes?: number }): AdaptiveCard {
  const budget = opts.budgetBytes ?? CARD_BUDGET_BYTES;
  try {
    switch (reply.type) {
      case 'answer':
        return renderAnswer(reply, opts, budget);
      case 'error':
        return expand('error', errorModel(reply, opts));
      case 'help':
        return expand('help', helpModel(reply));
    }
  } catch (err) {
    if (!(err instanceof CardRenderError)) throw err;
    return fallbackCard(
      'The answer could not be drawn as a card',
      `${err.message}. The command itself ran; send it again, and if this card comes back, tell the bot's operators (the error is in the bot's log).`,
    );
  }
  return fallbackCard('Unknown reply', 'The bot produced a reply it cannot display.');
}

/** The acknowledgement card shown while a command runs; replaced in place by the answer. */
export function renderRunningCard(command: Command, now: Date = new Date()): AdaptiveCard {
  try {
    return expand('running', runningModel(command, now));
  } catch {
    return fallbackCard('Running…', command.text);
  }
}

/** A card that shows one KQL query in full (the "showKql" action). */
export function renderKqlCard(title: string, kql: string): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    msteams: { width: 'Full' },
    body: [
      { type: 'TextBlock', text: plainText(title, 200), weight: 'Bolder', wrap: true },
      {
        type: 'RichTextBlock',
        inlines: [{ type: 'TextRun', text: plainText(kql, 30000), fontType: 'Monospace', size: 'Small' }],
      },
    ],
  };
}

/** Wraps a card as a message attachment. */
export function cardAttachment(card: AdaptiveCard): { contentType: string; content: AdaptiveCard } {
  return { contentType: CARD_CONTENT_TYPE, content: card };
}
