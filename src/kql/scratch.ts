/**
 * Reusable scratch buffers for per-query working arrays (group keys, group ids, filters).
 * Allocating fresh multi-megabyte typed arrays on every query makes V8 run full garbage collections
 * for "external memory pressure" (200+ ms over a large workspace), so the big temporaries come from
 * here instead. A buffer is only valid until the same slot is requested again: callers use it within
 * one operator and copy out what they keep.
 */
const f64 = new Map<string, Float64Array>();
const i32 = new Map<string, Int32Array>();
const u8 = new Map<string, Uint8Array>();

export function scratchF64(slot: string, n: number): Float64Array {
  let b = f64.get(slot);
  if (!b || b.length < n) {
    b = new Float64Array(Math.max(n, Math.ceil((b?.length ?? 0) * 1.5), 1024));
    f64.set(slot, b);
  }
  return b.subarray(0, n);
}

export function scratchI32(slot: string, n: number): Int32Array {
  let b = i32.get(slot);
  if (!b || b.length < n) {
    b = new Int32Array(Math.max(n, Math.ceil((b?.length ?? 0) * 1.5), 1024));
    i32.set(slot, b);
  }
  return b.subarray(0, n);
}

export function scratchU8(slot: string, n: number): Uint8Array {
  let b = u8.get(slot);
  if (!b || b.length < n) {
    b = new Uint8Array(Math.max(n, Math.ceil((b?.length ?? 0) * 1.5), 1024));
    u8.set(slot, b);
  }
  return b.subarray(0, n);
}
