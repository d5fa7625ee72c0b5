/**
 * A minimal PNG encoder/decoder on node:zlib, enough for the Teams app icons: 8-bit RGBA (colour type 6)
 * or RGB (type 2), not interlaced. No image package is installed, and the icons are drawn in code.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { crc32 } from './crc32';

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major, straight (not premultiplied) alpha. */
  data: Uint8Array;
}

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType: number;
  interlace: number;
}

export class PngError extends Error {
  override name = 'PngError';
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  // The CRC covers the type and the body, not the length.
  crc.writeUInt32BE(crc32(body, crc32(head.subarray(4, 8))), 0);
  return Buffer.concat([head, body, crc]);
}

/** Encodes an RGBA image as PNG (filter type 0 on every row; deflate does the rest for flat icons). */
export function encodePng(img: RgbaImage): Buffer {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PngError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new PngError(`RGBA data must be ${width * height * 4} bytes for ${width}x${height}, got ${data.length}`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Reads the signature and IHDR only: enough to check an icon's dimensions without decoding it. */
export function readPngInfo(buf: Uint8Array): PngInfo {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 33 || !b.subarray(0, 8).equals(SIGNATURE)) {
    throw new PngError('not a PNG file (the 8-byte PNG signature is missing)');
  }
  if (b.toString('latin1', 12, 16) !== 'IHDR' || b.readUInt32BE(8) !== 13) {
    throw new PngError('malformed PNG: the first chunk is not a 13-byte IHDR');
  }
  return {
    width: b.readUInt32BE(16),
    height: b.readUInt32BE(20),
    bitDepth: b[24],
    colorType: b[25],
    interlace: b[28],
  };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG to RGBA (all five row filters), checking chunk CRCs. */
export function decodePng(buf: Uint8Array): RgbaImage {
  const info = readPngInfo(buf);
  if (info.bitDepth !== 8 || (info.colorType !== 6 && info.colorType !== 2) || info.interlace !== 0) {
    throw new PngError(
      `unsupported PNG format (bit depth ${info.bitDepth}, colour type ${info.colorType}, interlace ${info.interlace}); ` +
        'only 8-bit RGB/RGBA without interlace is decoded',
    );
  }
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const idat: Buffer[] = [];
  let pos = 8;
  let sawEnd = false;
  while (pos + 12 <= b.length) {
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (pos + 12 + len > b.length) throw new PngError(`truncated PNG: chunk ${type} runs past the end of the file`);
    const body = b.subarray(pos + 8, pos + 8 + len);
    const expected = b.readUInt32BE(pos + 8 + len);
    if (crc32(body, crc32(b.subarray(pos + 4, pos + 8))) !== expected)
      throw new PngError(`bad CRC in PNG chunk ${type}`);
    if (type === 'IDAT') idat.push(body);
    if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    pos += 12 + len;
  }
  if (!sawEnd) throw new PngError('truncated PNG: no IEND chunk');
  const channels = info.colorType === 6 ? 4 : 3;
  const stride = info.width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length !== (stride + 1) * info.height) {
    throw new PngError(`PNG pixel data has ${raw.length} bytes, expected ${(stride + 1) * info.height}`);
  }
  const out = new Uint8Array(info.width * info.height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < info.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0;
      const up = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let pred: number;
      switch (filter) {
        case 0:
          pred = 0;
          break;
        case 1:
          pred = a;
          break;
        case 2:
          pred = up;
          break;
        case 3:
          pred = (a + up) >> 1;
          break;
        case 4:
          pred = paeth(a, up, c);
          break;
        default:
          throw new PngError(`unknown PNG row filter ${filter} on row ${y}`);
      }
      cur[i] = (line[i] + pred) & 0xff;
    }
    for (let x = 0; x < info.width; x++) {
      const o = (y * info.width + x) * 4;
      out[o] = cur[x * channels];
      out[o + 1] = cur[x * channels + 1];
      out[o + 2] = cur[x * channels + 2];
      out[o + 3] = channels === 4 ? cur[x * channels + 3] : 255;
    }
    prev = cur;
  }
  return { width: info.width, height: info.height, data: out };
}
