/**
 * RFC 4180 CSV read straight from bytes, with the same rules and messages as the text parser in csv.ts: each
 * record's fields are byte ranges of a reused buffer (no string per field), so typed columns can be filled
 * without a JS value per cell. A record that straddles a read is parsed again, whole, once more bytes arrive.
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

/** Fills target[at, at + length) and returns how many bytes it wrote; 0 at the end of the input. */
export type ByteSource = (target: Buffer, at: number, length: number) => number;

/** One record: field k is buf[start[k], end[k]); the arrays are reused, valid only during the callback. */
export interface CsvRecord {
  buf: Buffer;
  count: number;
  start: Int32Array;
  end: Int32Array;
  /** 1 when field k needs unquoting (doubled quotes, or CR line breaks that become LF). */
  escaped: Uint8Array;
  /** Line the record starts on (1-based). */
  line: number;
}

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const NEED_MORE = -1;
const BLOCK = 4 << 20;

/** A field's text: decoded, and unquoted when it had doubled quotes or CR line breaks. */
export function fieldText(r: CsvRecord, k: number): string {
  const s = r.buf.toString('utf8', r.start[k], r.end[k]);
  return r.escaped[k] ? s.replace(/""/g, '"').replace(/\r\n?/g, '\n') : s;
}

class Tokenizer {
  readonly rec: CsvRecord = {
    buf: Buffer.alloc(0),
    count: 0,
    start: new Int32Array(64),
    end: new Int32Array(64),
    escaped: new Uint8Array(64),
    line: 1,
  };
  /** Line breaks inside the quoted fields of the record parsed last. */
  breaks = 0;

  /** Parses the record at pos; returns the position after it, or NEED_MORE when it may continue past len. */
  parse(buf: Buffer, pos: number, len: number, final: boolean): number {
    const r = this.rec;
    r.buf = buf;
    let n = 0;
    let i = pos;
    let breaks = 0;
    for (;;) {
      if (n === r.start.length) this.grow();
      let s: number;
      let e: number;
      let esc = 0;
      if (i < len && buf[i] === QUOTE) {
        s = ++i;
        for (;;) {
          const q = buf.indexOf(QUOTE, i);
          if (q < 0 || q >= len) {
            if (final)
              throw new CsvSyntaxError(`a quoted field is not closed (missing ") before the end of the file`, r.line);
            return NEED_MORE;
          }
          if (q + 1 >= len && !final) return NEED_MORE; // a doubled quote may continue in the next read
          if (q + 1 < len && buf[q + 1] === QUOTE) {
            esc = 1;
            i = q + 2;
            continue;
          }
          e = q;
          i = q + 1;
          break;
        }
        for (let k = s; k < e; k++) {
          const b = buf[k];
          if (b === LF) {
            if (k === s || buf[k - 1] !== CR) breaks++;
          } else if (b === CR) {
            breaks++;
            esc = 1;
          }
        }
        if (i < len) {
          const b = buf[i];
          if (b !== COMMA && b !== LF && b !== CR)
            throw new CsvSyntaxError(
              `unexpected text after a closing quote; expected a comma or the end of the line`,
              r.line + breaks,
            );
        }
      } else {
        s = i;
        while (i < len) {
          const b = buf[i];
          if (b === COMMA || b === LF || b === CR || b === QUOTE) break;
          i++;
        }
        if (i < len && buf[i] === QUOTE)
          throw new CsvSyntaxError(
            `unexpected quote (") inside an unquoted field; a field containing quotes must itself be quoted, with each quote doubled ("")`,
            r.line + breaks,
          );
        if (i >= len && !final) return NEED_MORE;
        e = i;
      }
      r.start[n] = s;
      r.end[n] = e;
      r.escaped[n] = esc;
      n++;
      if (i >= len) break; // the end of the input ends the record
      const b = buf[i++];
      if (b === COMMA) continue;
      if (b === CR) {
        if (i >= len && !final) return NEED_MORE;
        if (i < len && buf[i] === LF) i++;
      }
      break;
    }
    r.count = n;
    this.breaks = breaks;
    return i;
  }

  private grow(): void {
    const r = this.rec;
    const size = r.start.length * 2;
    const start = new Int32Array(size);
    const end = new Int32Array(size);
    const escaped = new Uint8Array(size);
    start.set(r.start);
    end.set(r.end);
    escaped.set(r.escaped);
    r.start = start;
    r.end = end;
    r.escaped = escaped;
  }
}

/**
 * Reads every record, header included, from `first` (the input's first `firstLength` bytes) and then from `more`.
 * Blank lines are skipped, as spreadsheet tools do. Throws CsvSyntaxError with the line of a malformed record.
 */
export function readCsvRecords(
  first: Buffer,
  firstLength: number,
  more: ByteSource,
  onRecord: (r: CsvRecord) => void,
): void {
  let buf = Buffer.allocUnsafe(Math.max(BLOCK, firstLength));
  first.copy(buf, 0, 0, firstLength);
  let len = firstLength;
  // a UTF-8 byte order mark, written by Excel and some exporters
  let pos = len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let final = false;
  const tok = new Tokenizer();
  const r = tok.rec;
  for (;;) {
    while (pos < len) {
      const next = tok.parse(buf, pos, len, final);
      if (next === NEED_MORE) break;
      pos = next;
      if (!(r.count === 1 && r.start[0] === r.end[0])) onRecord(r);
      r.line += 1 + tok.breaks;
    }
    if (final) return;
    if (pos > 0) {
      buf.copyWithin(0, pos, len);
      len -= pos;
      pos = 0;
    }
    if (len === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2); // one record longer than a read
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    const got = more(buf, len, buf.length - len);
    if (got === 0) final = true;
    else len += got;
  }
}
