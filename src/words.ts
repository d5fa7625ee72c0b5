/** How the bot says a count, everywhere it speaks (cards, CLI, notes): one rule for singular and plural. */

/** "1 request", "2,674 requests", "1 more step": a count with its noun in the right number. */
export function count(x: number, noun: string, plural = `${noun}s`): string {
  return `${x.toLocaleString('en-US')} ${x === 1 ? noun : plural}`;
}
