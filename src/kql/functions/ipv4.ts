/** IPv4 functions: parsing, masks, ranges and private ranges. Addresses are longs internally. */
import { toText } from '../values';
import type { FunctionImpl } from './scalar';

/** "a.b.c.d" (optionally "/prefix") to its 32-bit value and prefix; null when it is not an address. */
function parseIpv4(text: string): { ip: number; prefix: number } | null {
  const m = /^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const o = m.slice(1, 5).map(Number);
  if (o.some((x) => x > 255)) return null;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return null;
  return { ip: ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3], prefix };
}

const maskOf = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
const masked = (ip: number, prefix: number) => (ip & maskOf(prefix)) >>> 0;

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((r) => parseIpv4(r)!);

function compare(a: string, b: string, prefixArg: unknown): number | null {
  const x = parseIpv4(a);
  const y = parseIpv4(b);
  if (!x || !y) return null;
  const p = Math.min(x.prefix, y.prefix, typeof prefixArg === 'number' ? prefixArg : 32);
  const l = masked(x.ip, p);
  const r = masked(y.ip, p);
  return l < r ? -1 : l > r ? 1 : 0;
}

const fmt = (ip: number) => [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join('.');

export const IPV4_FUNCTIONS: Record<string, FunctionImpl> = {
  parse_ipv4:
    ([s]) =>
    (i) => {
      const p = parseIpv4(toText(s.fn(i), s.type));
      return p ? masked(p.ip, p.prefix) : null;
    },
  parse_ipv4_mask:
    ([s, prefix]) =>
    (i) => {
      const p = parseIpv4(toText(s.fn(i), s.type));
      const k = Number(prefix.fn(i));
      return p && k >= 0 && k <= 32 ? masked(p.ip, k) : null;
    },
  ipv4_is_private:
    ([s]) =>
    (i) => {
      const p = parseIpv4(toText(s.fn(i), s.type));
      return p ? PRIVATE.some((r) => masked(p.ip, r.prefix) === r.ip) : null;
    },
  ipv4_is_in_range:
    ([s, range]) =>
    (i) => {
      const p = parseIpv4(toText(s.fn(i), s.type));
      const r = parseIpv4(toText(range.fn(i), range.type));
      return p && r ? masked(p.ip, r.prefix) === masked(r.ip, r.prefix) : null;
    },
  ipv4_compare:
    ([a, b, prefix]) =>
    (i) =>
      compare(toText(a.fn(i), a.type), toText(b.fn(i), b.type), prefix?.fn(i)),
  ipv4_is_match:
    ([a, b, prefix]) =>
    (i) => {
      const c = compare(toText(a.fn(i), a.type), toText(b.fn(i), b.type), prefix?.fn(i));
      return c === null ? null : c === 0;
    },
  format_ipv4:
    ([v, prefix]) =>
    (i) => {
      const x = v.fn(i);
      const p = prefix ? Number(prefix.fn(i)) : 32;
      const ip = typeof x === 'number' ? x : parseIpv4(toText(x, v.type))?.ip;
      return ip === undefined || ip === null || ip < 0 || ip > 0xffffffff ? '' : fmt(masked(ip, p));
    },
};
