/**
 * CSV straight into typed columns: records stream from the bytes (csvBytes.ts) and each field goes into its
 * column's buffer as it is read: numbers and times parsed from the bytes into Float64Arrays, strings
 * dictionary-encoded by their bytes. No row is ever held as JS values, and the file's text is not kept.
 * Columns whose type the header does not tell are kept as strings, typed at the end from their distinct values.
 */
import { builderFor, type Builder } from '../../../kql/columns';
import { tableFromBuilders, type StoredTable } from '../../../kql/storage';
import type { Cell, ColumnSchema, KqlType } from '../../../kql/types';
import { boolFromBytes, numberFromBytes, timeFromBytes } from './byteValues';
import { ByteStrings } from './byteStrings';
import { CsvSyntaxError, fieldText, readCsvRecords, type ByteSource, type CsvRecord } from './csvBytes';
import { convertValue, TextTypeGuess } from './infer';
import { convertCell, makePlan, type LoadOptions, type Plan } from './plan';
import { LogFileError } from './records';

const enum Kind {
  Number,
  Time,
  Text,
  Bool,
  /** dynamic, timespan: converted from the field's text. */
  Other,
  /** Type to be guessed: kept as text until the end. */
  Guess,
}

function kindOf(t: KqlType | undefined): Kind {
  switch (t) {
    case undefined:
      return Kind.Guess;
    case 'long':
    case 'int':
    case 'real':
    case 'decimal':
      return Kind.Number;
    case 'datetime':
      return Kind.Time;
    case 'string':
    case 'guid':
      return Kind.Text;
    case 'bool':
      return Kind.Bool;
    case 'dynamic':
    case 'timespan':
      return Kind.Other;
  }
}

export interface CsvColumns {
  stored: StoredTable;
  plan: Plan;
}

/** Reads a CSV export (its first `firstLength` bytes in `first`, the rest from `more`) into a stored table. */
export function readCsvColumns(first: Buffer, firstLength: number, more: ByteSource, opts: LoadOptions): CsvColumns {
  let plan: Plan | null = null;
  let kinds: Kind[] = [];
  let builders: Builder[] = [];
  let width = 0;
  let rows = 0;

  const header = (r: CsvRecord) => {
    const names: string[] = [];
    for (let k = 0; k < r.count; k++) names.push(fieldText(r, k).trim());
    plan = makePlan(names, opts);
    width = names.length;
    kinds = plan.types.map(kindOf);
    builders = plan.types.map((t, c) =>
      kinds[c] === Kind.Text || kinds[c] === Kind.Guess ? new ByteStrings() : builderFor(t as KqlType),
    );
  };

  const record = (r: CsvRecord) => {
    const p = plan as Plan;
    if (r.count !== width) checkWidth(r, width);
    const buf = r.buf;
    for (let c = 0; c < width; c++) {
      const s = r.start[c];
      const e = r.end[c];
      const b = builders[c];
      switch (kinds[c]) {
        case Kind.Number: {
          const v = s === e ? null : numberFromBytes(buf, s, e);
          b.push(v === null || v === v ? v : slow(r, c, p));
          break;
        }
        case Kind.Time: {
          const v = s === e ? NaN : timeFromBytes(buf, s, e);
          b.push(v === v || s === e ? v : slow(r, c, p));
          break;
        }
        case Kind.Text:
        case Kind.Guess:
          if (r.escaped[c]) b.push(fieldText(r, c));
          else (b as ByteStrings).pushBytes(buf, s, e);
          break;
        case Kind.Bool: {
          const v = s === e ? -2 : boolFromBytes(buf, s, e);
          b.push(v === -2 ? null : v >= 0 ? v === 1 : slow(r, c, p));
          break;
        }
        case Kind.Other:
          b.push(s === e && p.types[c] === 'dynamic' ? null : slow(r, c, p));
          break;
      }
    }
    rows++;
  };

  try {
    readCsvRecords(first, firstLength, more, (r) => (plan ? record(r) : header(r)));
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new LogFileError(`line ${e.line}: ${e.message}`, e.line);
    throw e;
  }
  if (!plan) throw new LogFileError('the CSV file is empty: expected a header row with column names.');
  const done: Plan = plan;
  const types = done.types.map((t, c) => t ?? guessType(builders[c] as ByteStrings));
  builders = builders.map((b, c) => (done.types[c] ? b : typed(b as ByteStrings, types[c])));
  for (let k = 0; k < done.padding.length; k++) {
    const b = builderFor(done.padding[k].type);
    for (let r = 0; r < rows; r++) b.push(done.padValues[k]);
    builders.push(b);
  }
  const columns: ColumnSchema[] = [...done.names.map((name, i) => ({ name, type: types[i] })), ...done.padding];
  return { stored: tableFromBuilders(done.table, columns, builders, null), plan: done };
}

/** A field in a form the byte parsers leave alone: converted from its text, with convertValue's messages. */
function slow(r: CsvRecord, c: number, p: Plan): Cell {
  return convertCell(fieldText(r, c), p.types[c] as KqlType, p, c, 'line', r.line);
}

/** A record whose field count differs from the header's: only trailing empty fields (a stray comma) are let go. */
function checkWidth(r: CsvRecord, width: number): void {
  let harmless = r.count > width;
  for (let k = width; harmless && k < r.count; k++) if (r.end[k] !== r.start[k]) harmless = false;
  if (!harmless) {
    throw new LogFileError(
      `line ${r.line}: expected ${width} fields (as in the header) but found ${r.count}. ` +
        'Fields containing commas, quotes or line breaks must be enclosed in double quotes.',
      r.line,
    );
  }
}

/** The type the values of a column read as text imply (the guess only depends on the distinct values). */
function guessType(b: ByteStrings): KqlType {
  const g = new TextTypeGuess();
  for (const v of b.values()) g.add(v);
  return g.type;
}

/** A guessed column in its type: each distinct value converted once (the guess guarantees it converts). */
function typed(b: ByteStrings, type: KqlType): Builder {
  if (type === 'string') return b;
  const out = builderFor(type);
  if (b.isPlain()) {
    for (const v of b.values()) out.push(convertValue(v, type));
    return out;
  }
  const values: Cell[] = b.dict.map((v) => convertValue(v, type));
  for (const code of b.rowCodes()) out.push(values[code]);
  return out;
}
