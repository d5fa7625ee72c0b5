/** Small seeded random helpers: the demo must be byte-for-byte reproducible from (seed, now). */

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough spread for synthetic traffic. Returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

/** Picks by weight; `weights` must be parallel to `items`. */
export function pickWeighted<T>(rng: Rng, items: readonly T[], weights: readonly number[]): T {
  let total = 0;
  for (const w of weights) total += w;
  let r = rng() * total;
  for (let i = 0; i < items.length; i++) {
    r -= weights[i];
    if (r < 0) return items[i];
  }
  return items[items.length - 1];
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex(rng: Rng, n: number): string {
  // 8 hex digits per draw via a byte table: ids are generated for every row, so this is on the hot path.
  let s = '';
  while (s.length < n) {
    const x = (rng() * 4294967296) >>> 0;
    s += BYTE_HEX[x >>> 24] + BYTE_HEX[(x >>> 16) & 255] + BYTE_HEX[(x >>> 8) & 255] + BYTE_HEX[x & 255];
  }
  return s.length === n ? s : s.slice(0, n);
}

export function guid(rng: Rng): string {
  const h = hex(rng, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(rng() * 4)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

/** Log-normal latency around `median` ms (sigma ~0.5 gives a realistic long tail). */
export function latency(rng: Rng, median: number, sigma = 0.5): number {
  // Box-Muller on two uniforms.
  const u = Math.max(rng(), 1e-9);
  const v = rng();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(1, Math.round(median * Math.exp(sigma * z)));
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function base64url(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += B64URL[Math.floor(rng() * 64)];
  return s;
}

/** A JWT-shaped string (header.payload.signature); fake, but shaped like the secrets redaction must catch. */
export function fakeJwt(rng: Rng): string {
  return `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${base64url(rng, 90)}.${base64url(rng, 43)}`;
}

/** Stable 32-bit hash of a string (FNV-1a), for per-row values derived from row content. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
