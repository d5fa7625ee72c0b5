/**
 * The metadata header every recipe file starts with: `// field: value` comment lines, the way query-library
 * repositories describe their .kql files, so the file documents itself and the planner reads the same text.
 *
 *   // id: why                         the recipe's name; equals the file name (why.kql)
 *   // title: Who produced a status code
 *   // answers: the question the recipe answers, in one sentence
 *   // parameters:                     one indented item per parameter the planner supplies as a `let`
 *   //   _status: long (the HTTP status the gateway returned to the client)
 *   // uses: $classifier (what fills the placeholder)     placeholders the planner substitutes
 *   // rows: what one result row is (free text; indented lines continue it)
 *   // sections:                       one indented item per table shown on the answer card
 *   //   producers: Who produced them | Producer, Requests | chart bar Producer Requests
 *
 * Indented comment lines continue the field above them. Anything the reader cannot place is an error that
 * names the file and the field, so a typo never silently drops a parameter or a section.
 */

type RecipeParamType = 'datetime' | 'string' | 'long' | 'bool' | 'timespan';

export interface RecipeParam {
  name: string;
  type: RecipeParamType;
  description: string;
}

export interface RecipeSection {
  /** Rows whose Kind column equals this (or every row, for a recipe without Kind). */
  kind: string;
  title: string;
  columns: string[];
  chart?: { kind: 'bar' | 'line'; x: string; y: string; series?: string };
}

export interface RecipeHeader {
  id: string;
  title: string;
  answers: string;
  params: RecipeParam[];
  /** Placeholders the planner fills in (e.g. `$classifier`), with what fills them. */
  placeholders: { name: string; description: string }[];
  rows: string;
  sections: RecipeSection[];
}

export class RecipeFormatError extends Error {}

/** The placeholders the planner knows how to fill; a recipe may use no other. */
const KNOWN_PLACEHOLDERS: readonly string[] = ['$classifier', '$causeApi'];

const FIELDS = ['id', 'title', 'answers', 'parameters', 'uses', 'rows', 'sections'] as const;
type Field = (typeof FIELDS)[number];
const REQUIRED: readonly Field[] = ['id', 'title', 'answers'];
/** Fields whose value is a list of indented items rather than text. */
const LIST_FIELDS: readonly Field[] = ['parameters', 'sections'];

const ID_RE = /^[a-z][a-z0-9-]*$/;
const PARAM_TYPES = 'datetime|string|long|bool|timespan';
const PARAM_RE = new RegExp(`^(_[A-Za-z0-9_]+)\\s*:\\s*(${PARAM_TYPES})\\s*\\((.+)\\)$`);
const PLACEHOLDER_RE = /^(\$[A-Za-z][A-Za-z0-9_]*)\s*\((.+)\)$/;
const SECTION_RE =
  /^([A-Za-z0-9_-]+)\s*:\s*([^|]+)\|\s*([^|]+?)\s*(?:\|\s*chart\s+(bar|line)\s+(\S+)\s+(\S+)(?:\s+(\S+))?)?\s*$/;

type Fail = (field: string, problem: string) => never;

const isField = (name: string): name is Field => (FIELDS as readonly string[]).includes(name);

/** Splits the comment block at the top from the KQL: header lines (without `//`) and the index of the first KQL line. */
export function splitHeader(lines: readonly string[]): { header: string[]; bodyStart: number } {
  const header: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    if (line.trimStart().startsWith('//')) header.push(line.trimStart().replace(/^\/\/ ?/, ''));
    else if (line.trim() !== '') break;
  }
  return { header, bodyStart: i };
}

/**
 * Reads and validates a recipe header. `file` names the recipe in errors; when it is a path ending in
 * `.kql`, the id must equal the file's base name.
 */
export function readRecipeHeader(header: readonly string[], file: string): RecipeHeader {
  const fail: Fail = (field, problem) => {
    throw new RecipeFormatError(`${file}: header field "${field}": ${problem}`);
  };
  const values = new Map<Field, string[]>();
  let current: Field | undefined;
  for (const line of header) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) {
      if (!current) throw new RecipeFormatError(`${file}: indented header line "${line.trim()}" continues no field`);
      values.get(current)!.push(line.trim());
      continue;
    }
    const kv = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!kv) throw new RecipeFormatError(`${file}: cannot read header line "${line}" (expected "// field: value")`);
    const [, name, value] = kv;
    if (!isField(name)) fail(name, `unknown field; a recipe header has ${FIELDS.join(', ')}`);
    const field = name;
    if (values.has(field)) fail(field, 'given twice');
    if (LIST_FIELDS.includes(field) && value !== '')
      fail(field, `put each item on its own indented line below "// ${field}:"`);
    values.set(field, value === '' ? [] : [value]);
    current = field;
  }

  const text = (field: Field): string => (values.get(field) ?? []).join(' ').trim();
  for (const field of REQUIRED) if (!text(field)) fail(field, `missing; add "// ${field}: ..."`);

  const id = text('id');
  if (!ID_RE.test(id)) fail('id', `"${id}" must be lower-case letters, digits and dashes`);
  const base = /([^/\\]+)\.kql$/.exec(file)?.[1];
  if (base !== undefined && base !== id) fail('id', `"${id}" must match the file name (${base}.kql)`);

  const params = (values.get('parameters') ?? []).map((item) => readParam(item, fail));
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(p.name)) fail('parameters', `${p.name} is declared twice`);
    seen.add(p.name);
  }

  return {
    id,
    title: text('title'),
    answers: text('answers'),
    params,
    placeholders: readPlaceholders(text('uses'), fail),
    rows: text('rows'),
    sections: (values.get('sections') ?? []).map((item) => readSection(item, fail)),
  };
}

function readParam(item: string, fail: Fail): RecipeParam {
  const m = PARAM_RE.exec(item);
  if (!m) return fail('parameters', `cannot read "${item}" (expected "_name: ${PARAM_TYPES} (meaning)")`);
  return { name: m[1], type: m[2] as RecipeParamType, description: m[3].trim() };
}

/** `uses` lists placeholders separated by ", " at the top level: `$a (meaning), $b (meaning)`. */
function readPlaceholders(uses: string, fail: Fail): RecipeHeader['placeholders'] {
  if (!uses) return [];
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < uses.length; i++) {
    if (uses[i] === '(') depth++;
    else if (uses[i] === ')') depth--;
    else if (uses[i] === ',' && depth === 0) {
      items.push(uses.slice(start, i));
      start = i + 1;
    }
  }
  items.push(uses.slice(start));
  return items.map((raw) => {
    const item = raw.trim();
    const m = PLACEHOLDER_RE.exec(item);
    if (!m) return fail('uses', `cannot read "${item}" (expected "$name (what fills it)")`);
    if (!KNOWN_PLACEHOLDERS.includes(m[1]))
      fail('uses', `${m[1]} is not a placeholder the planner fills (known: ${KNOWN_PLACEHOLDERS.join(', ')})`);
    return { name: m[1], description: m[2].trim() };
  });
}

function readSection(item: string, fail: Fail): RecipeSection {
  const s = SECTION_RE.exec(item);
  if (!s)
    return fail(
      'sections',
      `cannot read "${item}" (expected "kind: Title | Col1, Col2 [| chart bar|line X Y [Series]]")`,
    );
  const section: RecipeSection = {
    kind: s[1],
    title: s[2].trim(),
    columns: s[3]
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  };
  if (s[4]) {
    const chart = { kind: s[4] as 'bar' | 'line', x: s[5], y: s[6], ...(s[7] ? { series: s[7] } : {}) };
    for (const column of [chart.x, chart.y, chart.series])
      if (column !== undefined && !section.columns.includes(column))
        fail('sections', `the "${section.kind}" chart uses ${column}, which is not one of the section's columns`);
    section.chart = chart;
  }
  return section;
}
