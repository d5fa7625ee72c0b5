/**
 * Recipes are content (recipes/*.kql at the repo root): KQL against the normalized GatewayLogs view with a
 * comment header that says what they answer and which parameters they take. This module reads them once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type RecipeParamType = 'datetime' | 'string' | 'long' | 'bool' | 'timespan';

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

export interface Recipe {
  name: string;
  seed: string;
  answers: string;
  params: RecipeParam[];
  /** Uses the `$classifier` placeholder (filled by the planner). */
  usesClassifier: boolean;
  sections: RecipeSection[];
  /** The KQL after the header, as written. */
  body: string;
  /** The whole file, header included. */
  text: string;
  file: string;
}

export class RecipeFormatError extends Error {}

const PARAM_RE = /^param\s+(_[A-Za-z0-9_]+)\s*:\s*(datetime|string|long|bool|timespan)\s*(?:=\s*(.*))?$/;
const SECTION_RE =
  /^section\s+([A-Za-z0-9_-]+)\s*:\s*([^|]+)\|\s*([^|]+?)\s*(?:\|\s*chart\s+(bar|line)\s+(\S+)\s+(\S+)(?:\s+(\S+))?)?\s*$/;

export function parseRecipe(text: string, file = '<inline>'): Recipe {
  const lines = text.split(/\r?\n/);
  const header: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l.startsWith('//')) header.push(l.replace(/^\/\/\s?/, '').trim());
    else if (l === '') continue;
    else break;
  }
  const body = lines.slice(i).join('\n').trim();
  const fields = new Map<string, string>();
  const params: RecipeParam[] = [];
  const sections: RecipeSection[] = [];
  for (const h of header) {
    const p = PARAM_RE.exec(h);
    if (p) {
      params.push({ name: p[1], type: p[2] as RecipeParamType, description: (p[3] ?? '').trim() });
      continue;
    }
    if (h.startsWith('param'))
      throw new RecipeFormatError(
        `${file}: cannot read parameter line "${h}" (expected "param _name: datetime|string|long|bool|timespan = description")`,
      );
    const s = SECTION_RE.exec(h);
    if (s) {
      const section: RecipeSection = {
        kind: s[1],
        title: s[2].trim(),
        columns: s[3]
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
      };
      if (s[4]) section.chart = { kind: s[4] as 'bar' | 'line', x: s[5], y: s[6], ...(s[7] ? { series: s[7] } : {}) };
      sections.push(section);
      continue;
    }
    if (h.startsWith('section'))
      throw new RecipeFormatError(
        `${file}: cannot read section line "${h}" (expected "section kind: Title | Col1, Col2 [| chart bar X Y]")`,
      );
    const kv = /^([a-z]+):\s*(.*)$/.exec(h);
    if (kv) fields.set(kv[1], kv[2]);
  }
  const name = fields.get('name');
  if (!name) throw new RecipeFormatError(`${file}: the header has no "// name: ..." line`);
  if (!body) throw new RecipeFormatError(`${file}: no KQL after the header`);
  for (const m of body.matchAll(/\b_[A-Za-z][A-Za-z0-9_]*\b/g)) {
    const used = m[0];
    // Recipe-local lets (let _scope = ...) are fine; only undeclared parameters are an error.
    if (!params.some((p) => p.name === used) && !new RegExp(`\\blet\\s+${used}\\b`).test(body)) {
      throw new RecipeFormatError(
        `${file}: ${used} is used but neither declared as "// param ${used}: <type>" nor defined with let`,
      );
    }
  }
  return {
    name,
    seed: fields.get('seed') ?? '',
    answers: fields.get('answers') ?? '',
    params,
    usesClassifier: body.includes('$classifier'),
    sections,
    body,
    text,
    file,
  };
}

/** The repo's recipes/ folder, found from this file whether it runs from src/ (jest) or dist/src/ (build). */
export function defaultRecipesDir(): string {
  let dir = __dirname;
  for (let up = 0; up < 6; up++) {
    const candidate = path.join(dir, 'recipes');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new RecipeFormatError(`cannot find the recipes/ folder above ${__dirname}`);
}

export function loadRecipes(dir: string = defaultRecipesDir()): Map<string, Recipe> {
  const out = new Map<string, Recipe>();
  for (const f of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.kql'))
    .sort()) {
    const file = path.join(dir, f);
    const recipe = parseRecipe(fs.readFileSync(file, 'utf8'), file);
    if (out.has(recipe.name))
      throw new RecipeFormatError(
        `${file}: recipe name "${recipe.name}" is already used by ${out.get(recipe.name)!.file}`,
      );
    out.set(recipe.name, recipe);
  }
  return out;
}

let cached: Map<string, Recipe> | undefined;

/** Recipes from the default folder, read once per process. */
export function recipes(): Map<string, Recipe> {
  if (!cached) cached = loadRecipes();
  return cached;
}

export function getRecipe(name: string): Recipe {
  const r = recipes().get(name);
  if (!r) throw new RecipeFormatError(`no recipe named "${name}" in ${defaultRecipesDir()}`);
  return r;
}
