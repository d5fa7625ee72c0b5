/**
 * A small zip writer and reader (PKWARE APPNOTE: local headers, central directory, end record; deflate or
 * stored; no zip64, no encryption). No zip package is installed; a Teams app package needs only three files.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32';

export interface ZipInput {
  /** Path inside the archive, with forward slashes. Teams wants its files at the root (no slash). */
  name: string;
  data: Uint8Array;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  method: 'stored' | 'deflate';
  compressedSize: number;
  crc32: number;
  modified: Date;
}

export class ZipError extends Error {
  override name = 'ZipError';
}

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const FLAG_UTF8 = 0x0800;
const VERSION_NEEDED = 20; // 2.0: deflate
const MADE_BY_UNIX = (3 << 8) | VERSION_NEEDED;
/** Fixed timestamp by default so the same inputs give a byte-identical package (reproducible builds). */
const DEFAULT_MTIME = new Date(Date.UTC(2026, 0, 1, 0, 0, 0));

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

function fromDos(time: number, date: number): Date {
  return new Date(
    Date.UTC(
      1980 + (date >> 9),
      ((date >> 5) & 0x0f) - 1,
      date & 0x1f,
      time >> 11,
      (time >> 5) & 0x3f,
      (time & 0x1f) * 2,
    ),
  );
}

function checkName(name: string): void {
  if (!name || name.startsWith('/') || name.includes('\\') || name.split('/').some((p) => p === '..' || p === '')) {
    throw new ZipError(`invalid zip entry name "${name}": use a relative path with forward slashes and no ".." parts`);
  }
}

/** Builds a zip archive in memory. Each entry is deflated unless deflate would not make it smaller. */
export function createZip(inputs: ZipInput[], opts: { modified?: Date } = {}): Buffer {
  const { time, date } = dosDateTime(opts.modified ?? DEFAULT_MTIME);
  const seen = new Set<string>();
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const input of inputs) {
    checkName(input.name);
    if (seen.has(input.name)) throw new ZipError(`duplicate zip entry "${input.name}"`);
    seen.add(input.name);
    const raw = Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength);
    const deflated = deflateRawSync(raw, { level: 9 });
    const useDeflate = deflated.length < raw.length;
    const body = useDeflate ? deflated : raw;
    const method = useDeflate ? 8 : 0;
    const crc = crc32(raw);
    const name = Buffer.from(input.name, 'utf8');
    if (raw.length > 0xfffffffe || offset > 0xfffffffe)
      throw new ZipError('archive too large (zip64 is not supported)');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIG, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_SIG, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes: all 0
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);

    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_SIG, 0);
  end.writeUInt16LE(inputs.length, 8);
  end.writeUInt16LE(inputs.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function findEnd(b: Buffer): number {
  // The end record is 22 bytes plus a comment of at most 65535 bytes, so search only that tail.
  const stop = Math.max(0, b.length - 22 - 0xffff);
  for (let i = b.length - 22; i >= stop; i--) if (b.readUInt32LE(i) === END_SIG) return i;
  throw new ZipError('not a zip archive (no end-of-central-directory record)');
}

/** Reads every entry through the central directory, inflating and checking sizes and CRCs. */
export function readZip(buf: Uint8Array): ZipEntry[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 22) throw new ZipError('not a zip archive (too short)');
  const end = findEnd(b);
  const count = b.readUInt16LE(end + 10);
  const cdSize = b.readUInt32LE(end + 12);
  let p = b.readUInt32LE(end + 16);
  if (p + cdSize > end) throw new ZipError('corrupt zip: the central directory overlaps the end record');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (b.readUInt32LE(p) !== CENTRAL_SIG)
      throw new ZipError(`corrupt zip: central directory entry ${i} has a bad signature`);
    const flags = b.readUInt16LE(p + 8);
    const methodCode = b.readUInt16LE(p + 10);
    const time = b.readUInt16LE(p + 12);
    const date = b.readUInt16LE(p + 14);
    const crc = b.readUInt32LE(p + 16);
    const csize = b.readUInt32LE(p + 20);
    const usize = b.readUInt32LE(p + 24);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    const localOffset = b.readUInt32LE(p + 42);
    const name = b.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) throw new ZipError(`zip entry "${name}" is encrypted`);
    if (methodCode !== 0 && methodCode !== 8)
      throw new ZipError(`zip entry "${name}" uses compression method ${methodCode}`);
    if (b.readUInt32LE(localOffset) !== LOCAL_SIG)
      throw new ZipError(`corrupt zip: local header of "${name}" not found`);
    const start = localOffset + 30 + b.readUInt16LE(localOffset + 26) + b.readUInt16LE(localOffset + 28);
    const body = b.subarray(start, start + csize);
    if (body.length !== csize) throw new ZipError(`corrupt zip: data of "${name}" is truncated`);
    const data = methodCode === 8 ? inflateRawSync(body) : Buffer.from(body);
    if (data.length !== usize)
      throw new ZipError(`corrupt zip: "${name}" inflates to ${data.length} bytes, expected ${usize}`);
    if (crc32(data) !== crc) throw new ZipError(`corrupt zip: CRC mismatch in "${name}"`);
    entries.push({
      name,
      data,
      method: methodCode === 8 ? 'deflate' : 'stored',
      compressedSize: csize,
      crc32: crc,
      modified: fromDos(time, date),
    });
  }
  return entries;
}
