/**
 * A string column filled from CSV bytes: each value is looked up by its bytes in a small open-addressing table,
 * so a repeated value costs a hash and a compare, and only distinct values ever become JS strings. Codes and
 * dictionary come out as the engine's own string builder would make them (first-seen order, the same switch
 * to plain strings once a column proves mostly distinct).
 */
import { FIRST_CAPACITY, mostlyDistinct, type Builder, type Store } from '../../../kql/columns';

export class ByteStrings implements Builder {
  n = 0;
  private codes = new Int32Array(FIRST_CAPACITY);
  readonly dict: string[] = [];
  private readonly intern = new Map<string, number>();
  /** Set once the column proves mostly distinct (ids, URLs): values kept as strings, no dictionary. */
  plain: string[] | null = null;
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
      this.plainPush(buf.toString('utf8', s, e));
      return;
    }
    this.codes[this.n++] = this.lookup(buf, s, e);
  }

  /** A value already decoded (unquoted fields, and the Builder interface). */
  push(raw: unknown): void {
    const text = typeof raw === 'string' ? raw : String(raw);
    if (this.plain || !this.room()) {
      this.plainPush(text);
      return;
    }
    this.codes[this.n++] = this.codeOf(text);
  }

  /** The code of each row (valid until build; the column must not be plain). */
  rowCodes(): Int32Array {
    return this.codes.subarray(0, this.n);
  }

  build(perm: Int32Array | null): Store {
    const plain = this.plain;
    if (plain) return { kind: 'any', data: perm ? Array.from(perm, (p) => plain[p]) : plain };
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
      const dict = this.dict;
      this.plain = Array.from(this.codes.subarray(0, i), (c) => dict[c]);
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

  private plainPush(text: string): void {
    (this.plain as string[]).push(text);
    this.n++;
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
