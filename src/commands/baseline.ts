/**
 * What an answer compares its window with: the previous window of equal length (the default), or the same window
 * a day or a week earlier ("vs yesterday", "vs last week"). The one rule the planner, the wording and the
 * parser's checks all read.
 */
import type { Baseline, Command } from './types';
import { formatDuration, hhmm, isValidTimeZone, localParts } from './time';

const DAY_MS = 86_400_000;
const BASELINE_MS: Record<Baseline, number> = { day: DAY_MS, week: 7 * DAY_MS };
/** As people say it after "vs": the words the parser reads back and the card shows. */
export const BASELINE_WORDS: Record<Baseline, string> = { day: 'yesterday', week: 'last week' };

/** The compared window: it ends where the current one starts, or is the current one moved back a day or a week. */
export function comparisonWindow(command: Pick<Command, 'window' | 'baseline'>): { from: Date; to: Date } {
  const { from, to } = command.window;
  if (!command.baseline) return { from: new Date(2 * from.getTime() - to.getTime()), to: from };
  const back = BASELINE_MS[command.baseline];
  return { from: new Date(from.getTime() - back), to: new Date(to.getTime() - back) };
}

/** "the previous 15m", "the same 15m yesterday": what the counts and percentiles are compared with. */
export function comparisonPhrase(command: Pick<Command, 'window' | 'baseline'>): string {
  const length = formatDuration(command.window.to.getTime() - command.window.from.getTime());
  return command.baseline ? `the same ${length} ${BASELINE_WORDS[command.baseline]}` : `the previous ${length}`;
}

/** Why a window cannot be compared with this baseline (it would overlap it), or undefined when it can. */
export function baselineProblem(command: Pick<Command, 'window' | 'baseline'>): string | undefined {
  if (!command.baseline) return undefined;
  const length = command.window.to.getTime() - command.window.from.getTime();
  if (length <= BASELINE_MS[command.baseline]) return undefined;
  const instead = command.baseline === 'day' ? ', or compare with last week' : '';
  return `A ${formatDuration(length)} window overlaps the same window ${BASELINE_WORDS[command.baseline]}: compare a window of at most ${formatDuration(BASELINE_MS[command.baseline])}${instead}.`;
}

/** The card's line: "Compared with the same 15m yesterday, 14:15–14:30 UTC on 2026-11-22." */
export function comparisonNote(command: Pick<Command, 'window' | 'baseline'>, timeZone?: string): string | undefined {
  if (!command.baseline) return undefined;
  const { from, to } = comparisonWindow(command);
  const zone = timeZone && isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const day = localParts(from, zone);
  const date = `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
  return `Compared with ${comparisonPhrase(command)}, ${hhmm(from, zone)}–${hhmm(to, zone)} ${zone} on ${date}.`;
}
