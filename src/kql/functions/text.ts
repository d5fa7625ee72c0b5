/** More string functions: regular expressions, trimming, joining arrays, URL and base64 codecs, sizes, digests. */
import { createHash } from 'node:crypto';
import { KqlError } from '../errors';
import { toText } from '../values';
import type { Compiled } from '../compile/context';
import type { FunctionImpl } from './scalar';

/** A constant regular expression, compiled once (Kusto's RE2 syntax is, for these uses, JavaScript's). */
function constantRegex(re: Compiled, fn: string, flags = ''): RegExp {
  if (!re.constant)
    throw new KqlError('unsupported', `${fn}() needs a constant regular expression in the embedded engine.`);
  try {
    return new RegExp(String(re.fn(0)), flags);
  } catch (e) {
    throw new KqlError('semantic', `${fn}(): the regular expression is not valid: ${(e as Error).message}`);
  }
}

const text = (c: Compiled, i: number) => toText(c.fn(i), c.type);

/** Kusto's rewrite pattern names groups \1..\9; JavaScript's replace uses $1..$9. */
function jsRewrite(rewrite: string): string {
  return rewrite.replace(/\$/g, '$$$$').replace(/\\(\d)/g, '$$$1');
}

const UNITS = ['Bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** format_bytes(value, precision, units): 1024-based, e.g. 20010332 -> "19 MB", (…, 2) -> "19.08 MB". */
function formatBytes(value: number, precision = 0, unit?: string): string {
  let k = unit ? UNITS.findIndex((u) => u.toLowerCase() === unit.toLowerCase()) : -1;
  if (k < 0) {
    k = 0;
    while (k < UNITS.length - 1 && Math.abs(value) >= 1024 ** (k + 1)) k++;
  }
  const scaled = value / 1024 ** k;
  const rounded = Math.round(scaled * 10 ** precision) / 10 ** precision;
  return `${rounded} ${UNITS[k]}`;
}

/** hash_sha256 / hash_sha1 / hash_md5: the hex digest of the text's UTF-8 bytes. */
const digest =
  (algorithm: string): FunctionImpl =>
  ([s]) =>
  (i) =>
    createHash(algorithm).update(text(s, i), 'utf8').digest('hex');

export const TEXT_FUNCTIONS: Record<string, FunctionImpl> = {
  hash_sha256: digest('sha256'),
  hash_sha1: digest('sha1'),
  hash_md5: digest('md5'),
  replace_regex: ([s, re, rewrite]) => {
    const rx = constantRegex(re, 'replace_regex', 'g');
    return (i) => text(s, i).replace(rx, jsRewrite(text(rewrite, i)));
  },
  extract_all: (args) => {
    const [re, groupsArg, source] = args.length === 3 ? args : [args[0], null, args[1]];
    const rx = constantRegex(re, 'extract_all', 'g');
    const wanted = groupsArg ? groupsArg.fn(0) : null;
    return (i) => {
      const out: unknown[] = [];
      for (const m of text(source, i).matchAll(rx)) {
        if (m[0] === '' && m.length === 1) continue;
        const groups = Array.isArray(wanted) ? wanted.map((g) => m[Number(g)] ?? '') : m.slice(1);
        out.push(m.length === 1 ? m[0] : groups.length === 1 ? groups[0] : groups);
      }
      return out.length ? out : null;
    };
  },
  trim_start: ([re, s]) => {
    const rx = new RegExp(`^(?:${String(re.fn(0))})+`);
    return (i) => text(s, i).replace(rx, '');
  },
  trim_end: ([re, s]) => {
    const rx = new RegExp(`(?:${String(re.fn(0))})+$`);
    return (i) => text(s, i).replace(rx, '');
  },
  strcat_array:
    ([arr, delim]) =>
    (i) => {
      const a = arr.fn(i);
      if (!Array.isArray(a)) return '';
      const d = text(delim, i);
      return a.map((x) => (typeof x === 'string' ? x : x === null ? '' : JSON.stringify(x))).join(d);
    },
  url_decode:
    ([s]) =>
    (i) => {
      try {
        return decodeURIComponent(text(s, i).replace(/\+/g, ' '));
      } catch {
        return '';
      }
    },
  url_encode:
    ([s]) =>
    (i) =>
      encodeURIComponent(text(s, i)),
  url_encode_component:
    ([s]) =>
    (i) =>
      encodeURIComponent(text(s, i)),
  base64_encode_tostring:
    ([s]) =>
    (i) =>
      Buffer.from(text(s, i), 'utf8').toString('base64'),
  base64_decode_tostring:
    ([s]) =>
    (i) => {
      const t = text(s, i);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) return '';
      return Buffer.from(t, 'base64').toString('utf8');
    },
  format_bytes:
    ([v, precision, unit]) =>
    (i) => {
      const x = v.fn(i);
      if (typeof x !== 'number') return '';
      const p = precision ? Number(precision.fn(i) ?? 0) : 0;
      return formatBytes(x, p, unit ? text(unit, i) : undefined);
    },
  reverse:
    ([s]) =>
    (i) =>
      [...text(s, i)].reverse().join(''),
  countof: ([s, search, kind]) => {
    const regex = kind && String(kind.fn(0)) === 'regex';
    const rx = regex ? constantRegex(search, 'countof', 'g') : null;
    return (i) => {
      const h = text(s, i);
      if (rx) return [...h.matchAll(rx)].length;
      const n = text(search, i);
      if (n === '') return 0;
      let c = 0;
      for (let at = h.indexOf(n); at >= 0; at = h.indexOf(n, at + 1)) c++;
      return c;
    };
  },
  strrep:
    ([v, times, delim]) =>
    (i) => {
      const k = Number(times.fn(i));
      return new Array(Math.max(0, Math.min(k, 1024))).fill(text(v, i)).join(delim ? text(delim, i) : '');
    },
};
