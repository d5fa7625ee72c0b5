/**
 * Chat text -> clean lower-case tokens: Teams markup, entities, emoji and stray punctuation removed,
 * contractions folded ("what's" -> "whats"). Names keep their exact characters so they can be checked.
 */

/** API ids and backend names as the recipes accept them; anything else never reaches KQL. */
export const NAME_TOKEN = /^[A-Za-z0-9._-]{1,80}$/;

/** Teams mentions and markup out, entities decoded, whitespace collapsed. */
export function cleanText(text: string): string {
  return text
    .replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, ' ') // Teams mentions, wherever they are
    .replace(/<[^>]+>/g, ' ') // other markup Teams may leave (p, span, br)
    .replace(/&nbsp;|&#160;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'")
    .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Emoji and their joiners/modifiers carry mood, not meaning. */
export function stripEmoji(text: string): string {
  return text
    .replace(/\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|[\u{1F1E6}-\u{1F1FF}]|\u200d|\ufe0f|\u20e3/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Trailing sentence punctuation and wrapping quotes/markdown are not part of a word. */
function trimToken(t: string): string {
  return t
    .replace(/^[`"'*_([]+/, '')
    .replace(/[`"'*_)\]]+$/, '')
    .replace(/[?!.,;:…]+$/, '')
    .replace(/^[`"'*_([]+/, '')
    .replace(/[`"'*_)\]]+$/, '');
}

/** "what's" -> "whats", "don't" -> "dont"; anything else with an apostrophe stays as typed (and fails as a name). */
function foldContraction(t: string): string {
  return /^[a-z]+'(?:s|re|t|ll|ve|d|m)$/.test(t) ? t.replace("'", '') : t;
}

/** Lower-case words of the text (after the window phrase is gone); "@Name" mentions typed by hand are dropped. */
export function tokenize(text: string): string[] {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .split(' ')
    .filter((t) => !/^@\S/.test(t))
    .map((t) => foldContraction(trimToken(t)))
    .filter((t) => t.length > 0);
}

/** Damerau (optimal string alignment) distance: an adjacent swap ("triaeg") counts as one slip. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  const cur = new Array<number>(b.length + 1);
  let prevPrev: number[] = [];
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        cur[j] = Math.min(cur[j], prevPrev[j - 2] + 1);
    }
    prevPrev = prev.slice();
    for (let j = 0; j <= b.length; j++) prev[j] = cur[j];
  }
  return prev[b.length];
}
