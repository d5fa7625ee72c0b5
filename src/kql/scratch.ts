/**
 * Reusable scratch buffers for per-query working arrays (group keys, group ids, filters).
 * Allocating fresh multi-megabyte typed arrays on every query makes V8 run full garbage collections
 * for "external memory pressure" (200+ ms over a large workspace), so the big temporaries come from
 * here instead. A buffer is only valid until the same slot is requested again: callers use it within
 * one operator and copy out what they keep.
 */
type Typed = Float64Array | Int32Array | Uint8Array;

/** One pool per element type: the slot's buffer, grown by half again when too small, viewed at length n. */
function pool<T extends Typed>(make: (length: number) => T): (slot: string, n: number) => T {
  const buffers = new Map<string, T>();
  return (slot, n) => {
    let b = buffers.get(slot);
    if (!b || b.length < n) {
      b = make(Math.max(n, Math.ceil((b?.length ?? 0) * 1.5), 1024));
      buffers.set(slot, b);
    }
    return b.subarray(0, n) as T;
  };
}

export const scratchF64 = pool((length) => new Float64Array(length));
export const scratchI32 = pool((length) => new Int32Array(length));
export const scratchU8 = pool((length) => new Uint8Array(length));
