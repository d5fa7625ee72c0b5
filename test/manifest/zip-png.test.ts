import { deflateSync, inflateRawSync } from 'node:zlib';
import { crc32 } from '../../scripts/lib/crc32';
import { PngError, decodePng, encodePng, readPngInfo } from '../../scripts/lib/png';
import { ZipError, createZip, readZip } from '../../scripts/lib/zip';

describe('crc32', () => {
  it('matches the published check values', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
    expect(crc32(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });
  it('continues across chunks', () => {
    expect(crc32(Buffer.from('6789'), crc32(Buffer.from('12345')))).toBe(0xcbf43926);
  });
});

describe('zip writer', () => {
  const text = Buffer.from('hello hello hello hello hello hello hello\n'.repeat(20));
  const tiny = Buffer.from('ab');

  it('round-trips content through its own reader, deflating only when it helps', () => {
    const zip = createZip([
      { name: 'a.txt', data: text },
      { name: 'b.bin', data: tiny },
      { name: 'dir/c.json', data: Buffer.from('{"x":1}') },
    ]);
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(['a.txt', 'b.bin', 'dir/c.json']);
    expect(entries[0].data.equals(text)).toBe(true);
    expect(entries[0].method).toBe('deflate');
    expect(entries[0].compressedSize).toBeLessThan(text.length);
    expect(entries[1].data.toString()).toBe('ab');
    expect(entries[1].method).toBe('stored');
    expect(entries[2].data.toString()).toBe('{"x":1}');
    expect(entries[0].modified.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('writes the byte layout of the zip spec (checked by hand, not with the reader)', () => {
    const zip = createZip([{ name: 'hi.txt', data: Buffer.from('hi there') }], {
      modified: new Date(Date.UTC(2024, 5, 15, 13, 45, 30)),
    });
    expect(zip.readUInt32LE(0)).toBe(0x04034b50); // local file header
    expect(zip.readUInt16LE(8)).toBe(0); // "hi there" does not shrink: stored
    expect(zip.readUInt16LE(10)).toBe((13 << 11) | (45 << 5) | 15); // DOS time
    expect(zip.readUInt16LE(12)).toBe(((2024 - 1980) << 9) | (6 << 5) | 15); // DOS date
    expect(zip.readUInt32LE(14)).toBe(crc32(Buffer.from('hi there')));
    expect(zip.readUInt32LE(18)).toBe(8);
    expect(zip.toString('utf8', 30, 36)).toBe('hi.txt');
    expect(zip.toString('utf8', 36, 44)).toBe('hi there');
    expect(zip.readUInt32LE(44)).toBe(0x02014b50); // central directory follows the data
    const end = zip.length - 22;
    expect(zip.readUInt32LE(end)).toBe(0x06054b50);
    expect(zip.readUInt16LE(end + 10)).toBe(1); // entries
    expect(zip.readUInt32LE(end + 16)).toBe(44); // central directory offset
  });

  it('deflated entries are raw deflate streams that node:zlib inflates', () => {
    const zip = createZip([{ name: 'a.txt', data: text }]);
    const csize = zip.readUInt32LE(18);
    expect(inflateRawSync(zip.subarray(30 + 5, 30 + 5 + csize)).equals(text)).toBe(true);
  });

  it('is reproducible: same inputs give identical bytes', () => {
    const make = () =>
      createZip([
        { name: 'a.txt', data: text },
        { name: 'b.bin', data: tiny },
      ]);
    expect(make().equals(make())).toBe(true);
  });

  it('rejects unsafe or duplicate names', () => {
    expect(() => createZip([{ name: '../x', data: tiny }])).toThrow(ZipError);
    expect(() => createZip([{ name: '/abs', data: tiny }])).toThrow(/relative path/);
    expect(() => createZip([{ name: 'a\\b', data: tiny }])).toThrow(ZipError);
    expect(() =>
      createZip([
        { name: 'a', data: tiny },
        { name: 'a', data: tiny },
      ]),
    ).toThrow(/duplicate/);
  });

  it('detects corruption and non-zips', () => {
    const zip = createZip([{ name: 'a.txt', data: text }]);
    const bad = Buffer.from(zip);
    bad[35 + 3] ^= 0xff; // flip a byte inside the deflated data
    expect(() => readZip(bad)).toThrow(ZipError);
    expect(() => readZip(Buffer.from('definitely not a zip archive at all'))).toThrow(/not a zip/);
  });
});

describe('png', () => {
  function checker(w: number, h: number): Uint8Array {
    const d = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 4;
        d.set([x * 10, y * 20, (x + y) % 2 ? 255 : 0, x === y ? 0 : 200], o);
      }
    return d;
  }

  it('encodes a header with the right size and format, and decodes back to the same pixels', () => {
    const img = { width: 7, height: 5, data: checker(7, 5) };
    const png = encodePng(img);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(readPngInfo(png)).toEqual({ width: 7, height: 5, bitDepth: 8, colorType: 6, interlace: 0 });
    const back = decodePng(png);
    expect(back.width).toBe(7);
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('rejects wrong data length and non-PNG input with clear errors', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(15) })).toThrow(/must be 16 bytes/);
    expect(() => readPngInfo(Buffer.from('GIF89a..............................'))).toThrow(PngError);
    const png = encodePng({ width: 3, height: 3, data: checker(3, 3) });
    const bad = Buffer.from(png);
    bad[40] ^= 0x01; // inside IDAT
    expect(() => decodePng(bad)).toThrow(/CRC/);
  });
});

describe('png decoder row filters (a PNG written by an image editor uses all five)', () => {
  // Forward filters as the PNG spec defines them, applied to one RGBA image, row by row.
  function paeth(a: number, b: number, c: number): number {
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }
  it('undoes Sub, Up, Average and Paeth', () => {
    const w = 4;
    const h = 5;
    const px = new Uint8Array(w * h * 4).map((_, i) => (i * 37 + (i >> 3) * 11) & 0xff);
    const stride = w * 4;
    const raw = Buffer.alloc((stride + 1) * h);
    for (let y = 0; y < h; y++) {
      const filter = y; // rows use filters 0,1,2,3,4
      raw[y * (stride + 1)] = filter;
      for (let i = 0; i < stride; i++) {
        const x = px[y * stride + i];
        const a = i >= 4 ? px[y * stride + i - 4] : 0;
        const b = y > 0 ? px[(y - 1) * stride + i] : 0;
        const c = y > 0 && i >= 4 ? px[(y - 1) * stride + i - 4] : 0;
        const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
        raw[y * (stride + 1) + 1 + i] = (x - pred) & 0xff;
      }
    }
    // Re-use our encoder's container by swapping in the filtered IDAT.
    const base = encodePng({ width: w, height: h, data: px });
    const idat = deflateSync(raw);
    const head = base.subarray(0, 33);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(idat.length);
    const typeAndBody = Buffer.concat([Buffer.from('IDAT'), idat]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typeAndBody));
    const iend = base.subarray(base.length - 12);
    const png = Buffer.concat([head, len, typeAndBody, crc, iend]);
    expect(Buffer.from(decodePng(png).data).equals(Buffer.from(px))).toBe(true);
  });
});
