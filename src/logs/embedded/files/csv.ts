/**
 * RFC 4180 CSV as the Log Analytics portal exports it: comma separated, fields optionally quoted, `""` inside
 * quotes is a literal quote, quoted fields may contain commas and newlines, CRLF or LF. The reader itself works
 * on bytes (csvBytes.ts); this is its whole-text form for tests and small inputs.
 */
import { fieldText, readCsvRecords } from './csvBytes';

/** Parses a whole CSV text into records of field strings, each with the line it starts on. */
export function parseCsv(text: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const bytes = Buffer.from(text, 'utf8');
  readCsvRecords(
    bytes,
    bytes.length,
    () => 0,
    (r) => {
      const fields: string[] = [];
      for (let k = 0; k < r.count; k++) fields.push(fieldText(r, k));
      out.push({ fields, line: r.line });
    },
  );
  return out;
}
