/**
 * The CSV loader reads bytes straight into typed columns. Its columns must be exactly what the row path gives:
 * every field converted by convertValue and the rows added through Workspace.addTable (the engine's own
 * builders), and, on generated data, what the generator's own rows give.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Workspace } from '../../../../src/kql';
import type { Store } from '../../../../src/kql/columns';
import type { StoredTable } from '../../../../src/kql/storage';
import { TextVec } from '../../../../src/kql/vectors';
import type { Cell, KqlType } from '../../../../src/kql/types';
import { generateDemoTables } from '../../../../src/logs/embedded/demo/generator';
import { boolFromBytes, numberFromBytes, timeFromBytes } from '../../../../src/logs/embedded/files/byteValues';
import { parseCsv } from '../../../../src/logs/embedded/files/csv';
import { readCsvColumns } from '../../../../src/logs/embedded/files/csvColumns';
import { convertValue } from '../../../../src/logs/embedded/files/infer';
import { loadLogFile, type LoadedTable } from '../../../../src/logs/embedded/files/loader';
import { csvField } from '../../../../scripts/lib/bench/demoCsv';

const FIXTURE = join(__dirname, '../../../fixtures/portal-export-azurediagnostics.csv');

function storedOf(t: LoadedTable): StoredTable {
  if (!t.stored) throw new Error('a CSV load keeps its stored columns');
  return t.stored;
}

/** A column's content as a digest (deep equality over thousands of cells is slow), named so a failure says which. */
function digest(s: Store): string {
  const h = createHash('sha256');
  if (s.kind === 'num' || s.kind === 'str' || s.kind === 'bool')
    h.update(new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength));
  if (s.kind === 'str') h.update(JSON.stringify(s.dict));
  if (s.kind === 'any') h.update(JSON.stringify(s.data));
  // plain strings: the CSV loader keeps them as a text store, the row path as an array; the values must agree
  if (s.kind === 'text') {
    const read = new TextVec(s.chunks, s.offsets, s.shift, null, 0, s.offsets.length - 1).reader();
    h.update(JSON.stringify(Array.from({ length: s.offsets.length - 1 }, (_, i) => read(i))));
  }
  const plain = s.kind === 'text' || (s.kind === 'any' && s.data.every((v) => typeof v === 'string'));
  return `${plain ? 'plain strings' : s.kind} ${h.digest('hex').slice(0, 16)}`;
}

/** What the columnar load must equal (ingestion times aside: an export has none). */
function shape(t: StoredTable, columns = t.columns.length) {
  return {
    columns: t.columns.slice(0, columns).map((c, i) => `${c.name}: ${c.type}, ${digest(t.stores[i])}`),
    rowCount: t.rowCount,
    timeColumn: t.timeColumn,
    timedRows: t.timedRows,
  };
}

/** The row path: parseCsv fields, convertValue per cell for the loaded column types, Workspace.addTable. */
function rowPath(text: string, types: KqlType[]): StoredTable {
  const [header, ...records] = parseCsv(text);
  const names = header.fields.map((f) => f.replace(/\s*\[UTC\]$/i, '').trim());
  const ws = new Workspace();
  ws.addTable({
    name: 'T',
    columns: names.map((name, i) => ({ name, type: types[i] })),
    rows: records.map((r) => r.fields.map((f, i) => convertValue(f, types[i]))),
  });
  return ws.table('T');
}

/** Reads `bytes` through readCsvColumns in pieces of the given sizes, cycling. */
function inPieces(bytes: Buffer, sizes: number[]): StoredTable {
  let at = 0;
  let k = 0;
  const more = (target: Buffer, to: number, room: number) => {
    const n = Math.min(room, sizes[k++ % sizes.length], bytes.length - at);
    bytes.copy(target, to, at, at + n);
    at += n;
    return n;
  };
  return readCsvColumns(Buffer.alloc(0), 0, more, {}).stored;
}

test('the portal export fixture: the same columns as converting every field and adding rows', () => {
  const text = fs.readFileSync(FIXTURE, 'utf8');
  const loaded = storedOf(loadLogFile(FIXTURE));
  const width = parseCsv(text)[0].fields.length;
  const expected = rowPath(
    text,
    loaded.columns.slice(0, width).map((c) => c.type),
  );
  expect(shape(loaded, width)).toEqual(shape(expected));
  // tiny reads: every record and field straddles a read somewhere
  expect(shape(inPieces(Buffer.from(text), [1, 2, 3, 5, 7]))).toEqual(shape(loaded));
});

describe('a generated export (demo traffic, 59 columns, a few thousand rows)', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(join(tmpdir(), 'csv-columns-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const opts = { now: new Date('2026-11-23T12:00:00Z'), rowsTarget: 3000, hours: 24 };

  test('equals the generator rows added through the engine builders, and the row path', () => {
    const [table] = generateDemoTables(opts);
    const rows = [...table.rows];
    const text = [table.columns.map((c) => c.name), ...rows]
      .map((r) => r.map((c) => csvField(c)).join(','))
      .join('\r\n');
    const file = join(dir, 'export.csv');
    fs.writeFileSync(file, text);
    expect(text.length).toBeGreaterThan(1 << 20); // more than the loader's first read
    const loaded = storedOf(loadLogFile(file));

    const ws = new Workspace();
    ws.addTable({ name: table.name, columns: table.columns, rows });
    expect(shape(loaded)).toEqual(shape(ws.table(table.name)));
    expect(shape(loaded)).toEqual(
      shape(
        rowPath(
          text,
          table.columns.map((c) => c.type),
        ),
      ),
    );
    expect(shape(inPieces(Buffer.from(text), [997, 65536, 13]))).toEqual(shape(loaded));
    // mostly distinct columns are kept as plain strings, repeated ones as dictionary codes
    const kind = (name: string) => loaded.stores[loaded.columns.findIndex((c) => c.name === name)].kind;
    expect([kind('CorrelationId'), kind('ApiId'), kind('TotalTime'), kind('IsRequestSuccess')]).toEqual([
      'text',
      'str',
      'num',
      'bool',
    ]);
  });
});

test('plain (mostly distinct) text columns: ASCII, non-ASCII, quoted and empty values, rows out of time order', () => {
  // 3000 rows: more than the first column buffer, so the distinct columns switch to plain bytes part-way
  const t0 = Date.UTC(2026, 10, 23, 10);
  const lines = ['TimeGenerated,ApiId,ResponseCode,Url,Note,Extra'];
  for (let i = 0; i < 3000; i++) {
    const url = i % 13 === 0 ? '' : i % 7 === 0 ? `"https://x/${i}?a=1,b=""q"""` : `https://x/${i}`;
    const note = i === 2500 ? 'café ☕ 😀' : `note-${i}`; // one non-ASCII value, late in the file
    const extra = i % 5 === 0 ? '' : `extra ${i}`; // a column no schema names: its type is guessed
    lines.push(`${new Date(t0 + ((i * 7919) % 3000) * 1000).toISOString()},api-${i % 3},200,${url},${note},${extra}`);
  }
  const text = lines.join('\n');
  const dir = fs.mkdtempSync(join(tmpdir(), 'csv-plain-'));
  let loaded: StoredTable;
  try {
    fs.writeFileSync(join(dir, 'plain.csv'), text);
    loaded = storedOf(loadLogFile(join(dir, 'plain.csv')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const kind = (name: string) => loaded.stores[loaded.columns.findIndex((c) => c.name === name)].kind;
  expect([kind('Url'), kind('Note'), kind('Extra'), kind('ApiId')]).toEqual(['text', 'text', 'text', 'str']);
  // the file's six columns come first; the schema's other columns follow, empty
  expect(shape(loaded, 6)).toEqual(
    shape(
      rowPath(
        text,
        loaded.columns.slice(0, 6).map((c) => c.type),
      ),
    ),
  );
  expect(shape(inPieces(Buffer.from(text), [997, 65536, 13]))).toEqual(shape(loaded));
});

describe('values parsed from bytes equal convertValue wherever they parse at all', () => {
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  /** The text path's value, or undefined when it refuses the text. */
  const converted = (s: string, type: KqlType): Cell | undefined => {
    try {
      return convertValue(s, type);
    } catch {
      return undefined;
    }
  };
  const sameAs = (s: string, type: KqlType, fast: number) => {
    const want = converted(s, type);
    const got = want instanceof Date ? want.getTime() : want;
    expect([s, fast]).toEqual([s, got]);
  };

  test('numbers (random text over digits, signs, dots and exponents)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789-.e+ '), maxLength: 20 }), (s) => {
        const b = bytes(s);
        const v = numberFromBytes(b, 0, b.length);
        if (v === v) sameAs(s, 'real', v);
      }),
      { numRuns: 3000 },
    );
    for (const s of ['0', '-0', '12', '1.5', '.5', '5.', '-123456789012345', '0.1', '3.14159'])
      expect(Number.isNaN(numberFromBytes(bytes(s), 0, s.length))).toBe(false);
  });

  test('booleans', () => {
    for (const s of ['true', 'TRUE', 'False', '1', '0', 'yes', 'tru', '2', 'falsey']) {
      const v = boolFromBytes(bytes(s), 0, s.length);
      const want = converted(s, 'bool');
      expect([s, v]).toEqual([s, want === true ? 1 : want === false ? 0 : -1]);
    }
  });

  test('times: ISO 8601 and the portal form, valid or not, always equal to the text path when parsed', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    const stamp = fc
      .record({
        y: fc.integer({ min: 1, max: 9999 }),
        mo: fc.integer({ min: 0, max: 13 }),
        d: fc.integer({ min: 0, max: 32 }),
        h: fc.integer({ min: 0, max: 25 }),
        mi: fc.integer({ min: 0, max: 61 }),
        s: fc.integer({ min: 0, max: 61 }),
        frac: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 10 }),
        form: fc.constantFrom('iso', 'iso-space', 'iso-noz', 'date', 'portal', 'portal-24', 'portal-nocomma'),
      })
      .map(({ y, mo, d, h, mi, s, frac, form }) => {
        const f = frac ? `.${frac}` : '';
        const ymd = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}`;
        switch (form) {
          case 'iso':
            return `${ymd}T${two(h)}:${two(mi)}:${two(s)}${f}Z`;
          case 'iso-space':
            return `${ymd} ${two(h)}:${two(mi)}:${two(s)}${f}`;
          case 'iso-noz':
            return `${ymd}T${two(h)}:${two(mi)}`;
          case 'date':
            return ymd;
          case 'portal':
            return `${mo}/${d}/${y}, ${(h % 12) + 1}:${two(mi)}:${two(s)}${f} ${h < 12 ? 'AM' : 'PM'}`;
          case 'portal-24':
            return `${mo}/${d}/${y} ${h}:${two(mi)}:${two(s)}${f}`;
          case 'portal-nocomma':
            return `${mo}/${d}/${y}  ${h}:${two(mi)}${h % 2 ? 'pm' : ''}`;
        }
      });
    let parsed = 0;
    fc.assert(
      fc.property(stamp, (s) => {
        const b = bytes(s);
        const v = timeFromBytes(b, 0, b.length);
        if (v === v) {
          parsed++;
          sameAs(s, 'datetime', v);
        }
      }),
      { numRuns: 5000 },
    );
    expect(parsed).toBeGreaterThan(1000); // the fast path is taken for most valid stamps
  });
});
