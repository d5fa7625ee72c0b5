/**
 * Draws the two Teams app icons in code (no image files to hand-edit, no image packages): a gateway arch
 * with a heartbeat line running through it. Shapes are strokes in unit coordinates; coverage comes from
 * 4x4 supersampling, so edges are anti-aliased and the output is deterministic byte for byte.
 */
import type { RgbaImage } from './png';

type Point = [number, number];
type Rgb = [number, number, number];

interface Stroke {
  /** Polyline in unit coordinates (0..1 across the icon). */
  points: Point[];
  /** Full stroke width, in unit coordinates. */
  width: number;
}

function arc(cx: number, cy: number, r: number, fromDeg: number, toDeg: number, steps: number): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i <= steps; i++) {
    const a = ((fromDeg + ((toDeg - fromDeg) * i) / steps) * Math.PI) / 180;
    pts.push([cx + r * Math.cos(a), cy - r * Math.sin(a)]);
  }
  return pts;
}

/** The gateway: a doorway arch on a base line. */
const ARCH: Point[] = [[0.3, 0.78], [0.3, 0.44], ...arc(0.5, 0.44, 0.2, 180, 0, 24), [0.7, 0.78]];
const BASE: Point[] = [
  [0.2, 0.78],
  [0.8, 0.78],
];
/** The heartbeat: flat, a small bump, a deep spike, a tall spike, flat. */
const PULSE: Point[] = [
  [0.12, 0.6],
  [0.36, 0.6],
  [0.42, 0.52],
  [0.48, 0.72],
  [0.56, 0.3],
  [0.62, 0.6],
  [0.88, 0.6],
];

/** A set of strokes flattened to segments: [ax, ay, dx, dy, len2, halfWidth] per segment, for tight loops. */
type Segments = Float64Array;

function flatten(strokes: Stroke[]): Segments {
  const out: number[] = [];
  for (const s of strokes) {
    for (let i = 1; i < s.points.length; i++) {
      const [ax, ay] = s.points[i - 1];
      const dx = s.points[i][0] - ax;
      const dy = s.points[i][1] - ay;
      out.push(ax, ay, dx, dy, dx * dx + dy * dy, s.width / 2);
    }
  }
  return Float64Array.from(out);
}

/** Signed distance from (x, y) to the union of the strokes: negative inside. */
function signedDistance(seg: Segments, x: number, y: number): number {
  let best = Infinity;
  for (let i = 0; i < seg.length; i += 6) {
    const len2 = seg[i + 4];
    let t = len2 === 0 ? 0 : ((x - seg[i]) * seg[i + 2] + (y - seg[i + 1]) * seg[i + 3]) / len2;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = x - (seg[i] + t * seg[i + 2]);
    const ey = y - (seg[i + 1] + t * seg[i + 3]);
    const d = Math.sqrt(ex * ex + ey * ey) - seg[i + 5];
    if (d < best) best = d;
  }
  return best;
}

const SS = 4; // subsamples per axis

/** Fraction (0..1) of pixel (px, py) covered by any of the strokes. */
function coverage(seg: Segments, px: number, py: number, size: number): number {
  // Pixels wholly inside or outside (farther than half a pixel diagonal from an edge) skip supersampling.
  const d = signedDistance(seg, (px + 0.5) / size, (py + 0.5) / size);
  const halfDiagonal = Math.SQRT1_2 / size;
  if (d > halfDiagonal) return 0;
  if (d < -halfDiagonal) return 1;
  let hits = 0;
  for (let sy = 0; sy < SS; sy++) {
    for (let sx = 0; sx < SS; sx++) {
      if (signedDistance(seg, (px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size) <= 0) hits++;
    }
  }
  return hits / (SS * SS);
}

function blend(dst: Uint8Array, o: number, color: Rgb, alpha: number): void {
  for (let c = 0; c < 3; c++) dst[o + c] = Math.round(dst[o + c] * (1 - alpha) + color[c] * alpha);
}

/** Teams accent blue, darker towards the bottom. */
function background(y: number, size: number): Rgb {
  const t = y / (size - 1);
  return [Math.round(15 + (10 - 15) * t), Math.round(108 + (80 - 108) * t), Math.round(189 + (150 - 189) * t)];
}

/** 192x192 full-colour icon: white gateway, amber heartbeat with a background-coloured halo for contrast. */
export function drawColorIcon(size = 192): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  const white: Rgb = [255, 255, 255];
  const amber: Rgb = [255, 185, 0];
  const gateway = flatten([
    { points: ARCH, width: 0.055 },
    { points: BASE, width: 0.055 },
  ]);
  const halo = flatten([{ points: PULSE, width: 0.11 }]);
  const pulse = flatten([{ points: PULSE, width: 0.05 }]);
  for (let y = 0; y < size; y++) {
    const bg = background(y, size);
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      data.set(bg, o);
      data[o + 3] = 255;
      blend(data, o, white, coverage(gateway, x, y, size));
      blend(data, o, bg, coverage(halo, x, y, size));
      blend(data, o, amber, coverage(pulse, x, y, size));
    }
  }
  return { width: size, height: size, data };
}

/** 32x32 outline icon: the same glyph as white strokes on a transparent background (Teams' rule). */
export function drawOutlineIcon(size = 32): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  // Strokes about 2 px wide at 32 px; the pulse is cut out of the arch so the two stay distinct.
  const gateway = flatten([
    { points: ARCH, width: 0.0625 },
    { points: BASE, width: 0.0625 },
  ]);
  const gap = flatten([{ points: PULSE, width: 0.125 }]);
  const pulse = flatten([{ points: PULSE, width: 0.0625 }]);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      const g = coverage(gateway, x, y, size) * (1 - coverage(gap, x, y, size));
      const a = Math.max(g, coverage(pulse, x, y, size));
      data[o] = data[o + 1] = data[o + 2] = 255;
      data[o + 3] = Math.round(a * 255);
    }
  }
  return { width: size, height: size, data };
}
