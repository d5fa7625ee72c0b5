/**
 * A string column filled from CSV bytes: each value is looked up by its bytes in a small open-addressing table,
 * so a repeated value costs a hash and a compare, and only distinct values ever become JS strings. Codes and
 * dictionary come out as the engine's own string builder would make them (first-seen order, the same switch
 * to plain strings once a column proves mostly distinct). A plain column keeps its values as UTF-8 bytes while
 * the file loads and becomes a `text` store (a few chunk strings) at the end: millions of live JS strings would
 * make garbage collection the largest cost of loading a large export.
 */
import { FIRST_CAPACITY, chunkShift, mostlyDistinct, textStore, type Builder, type Store } from '../../../kql/columns';

export class ByteStrings implements Builder {
  n = 0;
  private codes = new Int32Array(FIRST_CAPACITY);
  readonly dict: string[] = [];
  private readonly intern = new Map<string, number>();
  /** Set once the column proves mostly distinct (ids, URLs): values kept as UTF-8 bytes, no dictionary. */
  private plain: PlainBytes | null = null;
  // byte table: slot -> entry + 1 (0 = empty); entry -> bytes in the arena and its code
  private slots = new Int32Array(1024);
  private entryAt = new Int32Array(256);
  private entryLen = new Int32Array(256);
  private entryCode = new Int32Array(256);
  private entries = 0;
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  /** Entry of the value pushed last: runs of one value (constant columns, bursts) skip the hash. */
  private lastEntry = -1;

  /** The value in buf[s, e), which needs no unquoting. */
  pushBytes(buf: Buffer, s: number, e: number): void {
    if (this.plain || !this.room()) {
      (this.plain as PlainBytes).pushBytes(buf, s, e);
      this.n++;
      return;
    }
    this.codes[this.n++] = this.lookup(buf, s, e);
  }

  /** A value already decoded (unquoted fields, and the Builder interface). */
  push(raw: unknown): void {
    const text = typeof raw === 'string' ? raw : String(raw);
    if (this.plain || !this.room()) {
      (this.plain as PlainBytes).push(text);
      this.n++;
      return;
    }
    this.codes[this.n++] = this.codeOf(text);
  }

  /** The code of each row (valid until build; the column must not be plain). */
  rowCodes(): Int32Array {
    return this.codes.subarray(0, this.n);
  }

  /** The distinct values (a dictionary column), or every row's value (a plain one): what type guessing reads. */
  values(): string[] {
    return this.plain ? this.plain.strings() : this.dict;
  }

  isPlain(): boolean {
    return this.plain !== null;
  }

  build(perm: Int32Array | null): Store {
    if (this.plain) return this.plain.build(perm);
    const n = this.n;
    const out = new Int32Array(n);
    for (let k = 0; k < n; k++) out[k] = this.codes[perm ? perm[k] : k];
    return { kind: 'str', data: out, dict: this.dict };
  }

  /** Whether the next coded row fits; switches the column to plain strings when it proves mostly distinct. */
  private room(): boolean {
    const i = this.n;
    if (i < this.codes.length) return true;
    if (mostlyDistinct(this.dict.length, i)) {
      const plain = new PlainBytes();
      for (const c of this.codes.subarray(0, i)) plain.push(this.dict[c]);
      this.plain = plain;
      this.dict.length = 0;
      this.intern.clear();
      this.slots = new Int32Array(0);
      this.arena = new Uint8Array(0);
      return false;
    }
    const bigger = new Int32Array(this.codes.length * 2);
    bigger.set(this.codes);
    this.codes = bigger;
    return true;
  }

  private codeOf(text: string): number {
    let c = this.intern.get(text);
    if (c === undefined) {
      c = this.dict.length;
      this.dict.push(text);
      this.intern.set(text, c);
    }
    return c;
  }

  private lookup(buf: Buffer, s: number, e: number): number {
    const len = e - s;
    const last = this.lastEntry;
    if (last >= 0 && this.entryLen[last] === len) {
      const at = this.entryAt[last];
      let k = 0;
      while (k < len && this.arena[at + k] === buf[s + k]) k++;
      if (k === len) return this.entryCode[last];
    }
    let h = 0x811c9dc5; // FNV-1a
    for (let k = s; k < e; k++) h = Math.imul(h ^ buf[k], 0x01000193);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    const arena = this.arena;
    for (;;) {
      const x = this.slots[slot] - 1;
      if (x < 0) break;
      if (this.entryLen[x] === len) {
        const at = this.entryAt[x];
        let k = 0;
        while (k < len && arena[at + k] === buf[s + k]) k++;
        if (k === len) {
          this.lastEntry = x;
          return this.entryCode[x];
        }
      }
      slot = (slot + 1) & mask;
    }
    const code = this.codeOf(buf.toString('utf8', s, e));
    this.addEntry(buf, s, e, code, slot);
    return code;
  }

  private addEntry(buf: Buffer, s: number, e: number, code: number, slot: number): void {
    const len = e - s;
    if (this.arenaUsed + len > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      bigger.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = bigger;
    }
    buf.copy(this.arena, this.arenaUsed, s, e);
    const x = this.entries++;
    if (x === this.entryAt.length) {
      const size = x * 2;
      const grow = (a: Int32Array) => {
        const b = new Int32Array(size);
        b.set(a);
        return b;
      };
      this.entryAt = grow(this.entryAt);
      this.entryLen = grow(this.entryLen);
      this.entryCode = grow(this.entryCode);
    }
    this.entryAt[x] = this.arenaUsed;
    this.entryLen[x] = len;
    this.entryCode[x] = code;
    this.arenaUsed += len;
    this.slots[slot] = x + 1;
    this.lastEntry = x;
    if (this.entries * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const arena = this.arena;
    for (let x = 0; x < this.entries; x++) {
      const at = this.entryAt[x];
      let h = 0x811c9dc5;
      for (let k = at; k < at + this.entryLen[x]; k++) h = Math.imul(h ^ arena[k], 0x01000193);
      let slot = h & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = x + 1;
    }
    this.slots = slots;
  }
}

/** Values as UTF-8 bytes one after the other: value r is bytes [ends[r - 1], ends[r]). */
class PlainBytes {
  private bytes = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private ends = new Float64Array(FIRST_CAPACITY);
  private n = 0;

  pushBytes(buf: Buffer, s: number, e: number): void {
    this.room(e - s);
    // a byte loop: values are short, and Buffer.copy's checks per call cost more than the copy
    const dst = this.bytes;
    let at = this.used;
    for (let k = s; k < e; k++) dst[at++] = buf[k];
    this.end(e - s);
  }

  push(text: string): void {
    const len = Buffer.byteLength(text, 'utf8');
    this.room(len);
    this.bytes.write(text, this.used, len, 'utf8');
    this.end(len);
  }

  /** Every value as a string (only columns whose type is guessed from their values need them). */
  strings(): string[] {
    return Array.from({ length: this.n }, (_, r) => this.bytes.toString('utf8', this.start(r), this.ends[r]));
  }

  /**
   * The rows in `perm` order as a text store. Each chunk's bytes are decoded at once; when a chunk is not plain
   * ASCII (a value's UTF-16 length then differs from its byte length) the values are decoded one by one instead.
   */
  build(perm: Int32Array | null): Store {
    const n = this.n;
    const offsets = new Float64Array(n + 1);
    for (let k = 0; k < n; k++) {
      const r = perm ? perm[k] : k;
      offsets[k + 1] = offsets[k] + this.ends[r] - this.start(r);
    }
    const shift = chunkShift(offsets, n); // bytes bound UTF-16 units from above
    const chunks: string[] = [];
    for (let a = 0; a < n; a += 2 ** shift) {
      const b = Math.min(n, a + 2 ** shift);
      const out = Buffer.allocUnsafe(offsets[b] - offsets[a]);
      const src = this.bytes;
      let at = 0;
      for (let k = a; k < b; k++) {
        const r = perm ? perm[k] : k;
        for (let x = this.start(r), end = this.ends[r]; x < end; x++) out[at++] = src[x];
      }
      const text = out.toString('utf8');
      if (text.length !== out.length) {
        const strings = this.strings();
        return textStore(perm ? Array.from(perm, (r) => strings[r]) : strings);
      }
      chunks.push(text);
    }
    return { kind: 'text', chunks, offsets, shift };
  }

  private start(r: number): number {
    return r === 0 ? 0 : this.ends[r - 1];
  }

  private room(len: number): void {
    if (this.used + len > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + len));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    if (this.n === this.ends.length) {
      const bigger = new Float64Array(this.n * 2);
      bigger.set(this.ends);
      this.ends = bigger;
    }
  }

  private end(len: number): void {
    this.used += len;
    this.ends[this.n++] = this.used;
  }
}
