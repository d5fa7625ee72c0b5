/** Dynamic (JSON) values: indexing and member access, as `AdditionalFields["x"]` and `Errors[0].message`. */

/** base[key]: array index (negative counts from the end) or property; a JSON string is parsed first. */
export function accessDynamic(base: unknown, key: unknown): unknown {
  let b = base;
  if (typeof b === 'string') {
    const t = b.trim();
    if (!(t.startsWith('{') || t.startsWith('['))) return null;
    try {
      b = JSON.parse(t) as unknown;
    } catch {
      return null;
    }
  }
  if (b === null || typeof b !== 'object') return null;
  if (Array.isArray(b)) {
    if (typeof key !== 'number') return null;
    const i = key < 0 ? b.length + key : key;
    const v: unknown = b[i];
    return v === undefined ? null : v;
  }
  if (typeof key !== 'string') return null;
  const v = (b as Record<string, unknown>)[key];
  return v === undefined ? null : v;
}

/** parse_json / todynamic: JSON text to a value; other text stays a string. */
export function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** parse_url(): the parts of an absolute URL, with Kusto's property names; an empty bag if it is not one. */
export function parseUrl(text: string): Record<string, unknown> {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return {};
  }
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => {
    query[k] = v;
  });
  return {
    Scheme: u.protocol.replace(/:$/, ''),
    Host: u.hostname,
    Port: u.port,
    Path: u.pathname,
    Username: decodeURIComponent(u.username),
    Password: decodeURIComponent(u.password),
    'Query Parameters': query,
    Fragment: u.hash.replace(/^#/, ''),
  };
}
