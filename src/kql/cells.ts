/** Reading result cells (src/kql/types.ts) whatever the source: engine values or API JSON strings. */
import type { Cell } from './types';

/** A number, from a number or a numeric string; null when empty or not a number. */
export const cellNumber = (c: Cell | undefined): number | null =>
  typeof c === 'number' && Number.isFinite(c)
    ? c
    : typeof c === 'string' && c !== '' && !Number.isNaN(Number(c))
      ? Number(c)
      : null;

/** Epoch milliseconds, from a Date or an ISO string; null otherwise. */
export const cellTime = (c: Cell | undefined): number | null => {
  if (c instanceof Date) return c.getTime();
  if (typeof c === 'string' && c) {
    const t = Date.parse(c);
    return Number.isNaN(t) ? null : t;
  }
  return null;
};
