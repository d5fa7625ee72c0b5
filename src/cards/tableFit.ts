/**
 * A table fitted to the narrowest card, a 360 px phone, from its content: codes, counts and times (cells without
 * letters) get the pixels they need and never wrap or cut; name columns share what is left and end in "…" past
 * it; prose wraps. A table whose columns cannot all fit leaves some out, by a stated order, and says which.
 */
import { PHONE_ROOM_PX, smallTextPx, unbreakable } from './textWidth';

/** Header words are bold; a header may wrap between words, never inside one. */
const headerPx = (label: string): number => Math.max(0, ...unbreakable(label).map((w) => smallTextPx(w, true)));
/** A code, count or time stays on one line, except that a range may break after its dash ("14:17:31–14:29:59"). */
const codePx = (text: string): number => Math.max(0, ...text.split(/(?<=–)/).map((w) => smallTextPx(w)));
/** A word longer than any phone column (a .NET callback name in a message) breaks anyway: it sets no floor. */
const LONGEST_WORD_CHARS = 24;
const longestWordPx = (text: string): number =>
  Math.max(0, ...unbreakable(text).map((w) => ([...w].length > LONGEST_WORD_CHARS ? 0 : smallTextPx(w))));

/** What a name column would like: its longest line, up to half a phone's table (longer names are cut). */
const nameWantPx = (cells: string[]): number => Math.min(Math.max(0, ...cells.map((t) => smallTextPx(t))), 160);

/** Text longer than this in a column is prose (a message): it wraps; shorter names stay on one line, ellipsised. */
const PROSE_CHARS = 40;

/** The gap the renderer leaves between a table's cells (host config table.cellSpacing). */
const CELL_GAP_PX = 8;
/** Right-aligned numbers side by side ("431 3,475") need more than the cell gap to read as two. */
const NUMBER_GAP_PX = 4;
/** The least a name column keeps on a phone: below this a table has more columns than a phone can show. */
const MIN_NAME_PX = 60;

/**
 * Codes, counts and times (cells without letters) get the pixels they need and never wrap or cut. Name columns
 * share what is left on a phone: each first gets its header's longest word (prose its longest word too), then
 * the rest goes where the names are longer. Their widths are sent as weights of that phone layout, so a wider
 * card scales them up alike. `fits` is false when the floors alone are wider than a phone.
 */
function columnFit(texts: string[][], numeric: boolean[]) {
  const fixed = texts.map(([, ...cells], i) => numeric[i] || cells.every((t) => !/[a-z]/i.test(t)));
  // Prose (a message) wraps; shorter names stay on one line, ellipsised.
  const prose = texts.map(
    ([, ...cells], i) => !fixed[i] && cells.some((t) => [...t].length > PROSE_CHARS && /\s/.test(t)),
  );
  const px = texts.map(([header, ...cells], i) =>
    fixed[i] ? Math.max(headerPx(header), ...cells.map(codePx)) + (numeric[i] ? NUMBER_GAP_PX : 0) : 0,
  );
  const nameRoom = PHONE_ROOM_PX - CELL_GAP_PX * (texts.length - 1) - px.reduce((a, b) => a + b, 0);
  const floor = texts.map(([header, ...cells], i) =>
    fixed[i] ? 0 : Math.max(headerPx(header), MIN_NAME_PX, ...(prose[i] ? cells.map(longestWordPx) : [])),
  );
  const need = texts.map(([, ...cells], i) => (fixed[i] ? 0 : Math.max(0, nameWantPx(cells) - floor[i])));
  const spare = nameRoom - floor.reduce((a, b) => a + b, 0);
  const needs = need.reduce((a, b) => a + b, 0);
  const weights = floor.map((f, i) =>
    fixed[i] ? 0 : Math.floor(f + (needs > 0 ? (Math.max(spare, 0) * need[i]) / needs : 0)),
  );
  return { fixed, prose, px, weights, nameRoom, fits: spare >= 0 };
}
type Fit = ReturnType<typeof columnFit>;

/** Columns a table leaves out first when it is too wide for a phone: a sample message, and a derivable time. */
const LEAVE_OUT_FIRST = ['Sample', 'Gateway p95'];

/**
 * Which columns a phone can show: all when they fit; else, one at a time, a column from LEAVE_OUT_FIRST, then
 * prose, then the rightmost that is not a count (never the first, which names the row).
 */
export function phoneColumns(texts: string[][], numeric: boolean[]): { keep: number[]; fit: Fit } {
  let keep = texts.map((_, i) => i);
  for (;;) {
    const fit = columnFit(
      keep.map((i) => texts[i]),
      keep.map((i) => numeric[i]),
    );
    if (fit.fits || keep.length <= 2) return { keep, fit };
    const labels = keep.map((i) => texts[i][0]);
    const named = LEAVE_OUT_FIRST.map((l) => labels.indexOf(l)).find((k) => k > 0);
    const prose = fit.prose.findIndex((p, k) => p && k > 0);
    const notCount = keep.findLastIndex((i, k) => k > 0 && !numeric[i]);
    const drop = named ?? (prose > 0 ? prose : notCount > 0 ? notCount : keep.length - 1);
    keep = keep.filter((_, k) => k !== drop);
  }
}

/**
 * The names a 360 px card cuts with an ellipsis (an unwrapped cell wider than its column's share of the width),
 * each once: said in full under the table, so the toggle that opens the table also shows them whole.
 */
export function cutNames(body: string[][], fit: Fit): string[] {
  const total = fit.weights.reduce((a, b) => a + b, 0);
  const cut = new Set<string>();
  for (const r of body)
    r.forEach((t, i) => {
      if (fit.fixed[i] || fit.prose[i] || t.endsWith('…')) return;
      if (smallTextPx(t) > (fit.weights[i] / total) * fit.nameRoom) cut.add(t);
    });
  return [...cut];
}
