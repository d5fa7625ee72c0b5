/**
 * KQL literals for recipe parameters. Every value the planner puts into a query goes through one of
 * these, so user text can only ever be data, never syntax.
 */

/** A double-quoted KQL string literal with backslash escapes. */
export function kqlString(value: string): string {
  let out = '"';
  for (const ch of String(value)) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default: {
        const code = ch.codePointAt(0)!;
        // Other control characters have no business in a name; keep the literal printable.
        out += code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029 ? ' ' : ch;
      }
    }
  }
  return out + '"';
}

/** A long literal; rejects anything that is not a safe integer. */
export function kqlLong(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer parameter: ${String(value)}`);
  return value < 0 ? `long(${value})` : String(value);
}

/** datetime(ISO) from a valid Date. */
export function kqlDatetime(value: Date): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError('not a valid datetime parameter');
  return `datetime(${value.toISOString()})`;
}

export function kqlBool(value: boolean): string {
  return value ? 'true' : 'false';
}

const TIMESPAN_UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1000, 's'],
  [1, 'ms'],
];

/** A timespan literal in the largest whole unit: 60000 -> "1m", 30000 -> "30s", 5400000 -> "90m". */
export function kqlTimespan(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new RangeError(`not a positive whole number of milliseconds: ${String(ms)}`);
  const [unit, suffix] = TIMESPAN_UNITS.find(([u]) => ms % u === 0)!;
  return `${ms / unit}${suffix}`;
}
