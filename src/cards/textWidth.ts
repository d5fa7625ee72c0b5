/**
 * How wide a card's small text draws, in pixels, without a browser: Arial's advance widths (Segoe UI, Teams'
 * font, and Liberation Sans, its Linux stand-in, are within a few percent of them), with a margin on top. Tables
 * use it to give codes, counts and times the width they need, so they are never wrapped or cut.
 */

/** Room for content on the narrowest card (a 360 px phone): minus the card's 16 px padding each side and its border. */
export const PHONE_ROOM_PX = 326;

/** Advance widths in thousandths of an em, grouped: [characters, regular width, bold width]. */
const GROUPS: [string, number, number][] = [
  ["iljI.,:;|!'", 240, 290],
  [' ft/\\[]()-r', 320, 350],
  ['"*^`{}', 360, 400],
  ['Jckvxyzs', 510, 560],
  ['0123456789abdeghnopqu?$_#–LFTZ', 556, 611],
  ['+<>=~', 584, 584],
  ['ABEKPSVXY', 667, 722],
  ['CDHNRUw', 722, 760],
  ['GOQ', 778, 778],
  ['mM%', 850, 889],
  ['W@…', 1000, 1000],
];
const OTHER = 600;

const widths = new Map<string, [number, number]>();
for (const [chars, regular, bold] of GROUPS) for (const ch of chars) widths.set(ch, [regular, bold]);

/** Small text in Teams' host config: 12 px. */
const SMALL_PX = 12;
/** Segoe UI runs a little wider than Arial on some letters; a cut or a wrap costs more than a few spare pixels. */
const MARGIN = 1.08;

/** Width of `text` drawn in the card's small font, rounded up. */
export function smallTextPx(text: string, bold = false): number {
  let em = 0;
  for (const ch of text) em += (widths.get(ch)?.[bold ? 1 : 0] ?? OTHER) / 1000;
  return Math.ceil(em * SMALL_PX * MARGIN);
}

/** The pieces a browser keeps on one line: words, split after hyphens, slashes and the dash of a range. */
export function unbreakable(text: string): string[] {
  return text.split(/\s+|(?<=[-/–])/).filter((t) => t.length > 0);
}
