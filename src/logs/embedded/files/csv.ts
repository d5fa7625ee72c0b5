/**
 * Incremental RFC 4180 CSV parser (as the Log Analytics portal exports): comma separated, fields optionally
 * quoted, `""` inside quotes is a literal quote, quoted fields may contain commas and newlines, CRLF or LF.
 * Fed in chunks so a large file never has to be held as one string.
 */

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

export type CsvRecordHandler = (fields: string[], line: number) => void;

export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  /** Just saw a quote while in quotes: either an escaped quote or the closing quote. */
  private quotePending = false;
  /** The current field started with a quote (so later text outside quotes is an error). */
  private wasQuoted = false;
  private line = 1;
  private recordLine = 1;
  private lastWasCR = false;
  private started = false;
  /** A quoted field's text ended a chunk with CR: a LF starting the next chunk belongs to it. */
  private crInQuotes = false;

  constructor(private readonly onRecord: CsvRecordHandler) {}

  feed(chunk: string): void {
    let i = 0;
    const n = chunk.length;
    if (!this.started && n) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1; // UTF-8 BOM written by Excel and some exporters
    }
    // Runs of ordinary characters are sliced, not appended one by one: a field is then usually a single
    // slice of the chunk, which keeps memory near the size of the text for very large files.
    while (i < n) {
      if (this.lastWasCR) {
        this.lastWasCR = false;
        if (chunk.charCodeAt(i) === 10) {
          i++;
          continue;
        }
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (chunk.charCodeAt(i) === 34) {
            this.field += '"';
            i++;
            continue;
          }
          this.inQuotes = false; // that was the closing quote: handle this character as unquoted text
          continue;
        }
        const q = chunk.indexOf('"', i);
        const stop = q < 0 ? n : q;
        this.field += this.quotedPiece(chunk.slice(i, stop));
        if (q >= 0) {
          this.quotePending = true;
          this.crInQuotes = false; // a CR right before the closing quote is not followed by this field's LF
        }
        i = stop + (q >= 0 ? 1 : 0);
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === 44) {
        this.endField();
        i++;
      } else if (c === 10 || c === 13) {
        if (c === 13) this.lastWasCR = true;
        this.endRecord();
        this.line++;
        this.recordLine = this.line;
        i++;
      } else if (c === 34) {
        if (this.field.length === 0 && !this.wasQuoted) {
          this.inQuotes = true;
          this.wasQuoted = true;
          i++;
        } else {
          throw new CsvSyntaxError(
            `unexpected quote (") inside an unquoted field; a field containing quotes must itself be quoted, with each quote doubled ("")`,
            this.line,
          );
        }
      } else {
        if (this.wasQuoted) {
          throw new CsvSyntaxError(
            `unexpected text after a closing quote; expected a comma or the end of the line`,
            this.line,
          );
        }
        let j = i + 1;
        while (j < n) {
          const d = chunk.charCodeAt(j);
          if (d === 44 || d === 10 || d === 13 || d === 34) break;
          j++;
        }
        this.field += chunk.slice(i, j);
        i = j;
      }
    }
  }

  /** Text inside quotes: count line breaks and normalise CRLF / CR to LF (also across chunk boundaries). */
  private quotedPiece(piece: string): string {
    if (this.crInQuotes && piece.charCodeAt(0) === 10) piece = piece.slice(1);
    this.crInQuotes = false;
    if (piece.indexOf('\n') < 0 && piece.indexOf('\r') < 0) return piece;
    if (piece.endsWith('\r')) this.crInQuotes = true;
    const normalised = piece.replace(/\r\n?/g, '\n');
    for (let k = 0; k < normalised.length; k++) if (normalised.charCodeAt(k) === 10) this.line++;
    return normalised;
  }

  end(): void {
    if (this.inQuotes && !this.quotePending) {
      throw new CsvSyntaxError(`a quoted field is not closed (missing ") before the end of the file`, this.recordLine);
    }
    this.inQuotes = false;
    this.quotePending = false;
    if (this.field.length || this.fields.length || this.wasQuoted) this.endRecord();
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.wasQuoted = false;
  }

  private endRecord(): void {
    this.endField();
    const f = this.fields;
    this.fields = [];
    // Blank lines (a lone empty field) are skipped, as spreadsheet tools do.
    if (f.length === 1 && f[0] === '') return;
    this.onRecord(f, this.recordLine);
  }
}

/** Parses a whole CSV text (tests and small inputs). */
export function parseCsv(text: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const p = new CsvParser((fields, line) => out.push({ fields, line }));
  p.feed(text);
  p.end();
  return out;
}
