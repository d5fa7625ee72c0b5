/**
 * Recipes are content (recipes/*.kql at the repo root): KQL against the normalized GatewayLogs view after a
 * metadata header (see header.ts) that says what they answer and which parameters they take. This module
 * reads them once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRecipeHeader, RecipeFormatError, splitHeader, type RecipeParam, type RecipeSection } from './header';

export interface Recipe {
  /** The header's `id`, which is also the file name. */
  name: string;
  title: string;
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

/** Columns every Log Analytics table has whose names start with "_" like a parameter's (e.g. AzureActivity's _ResourceId). */
const STANDARD_COLUMNS = new Set([
  '_ResourceId',
  '_SubscriptionId',
  '_ItemId',
  '_TimeReceived',
  '_IsBillable',
  '_BilledSize',
]);

export function parseRecipe(text: string, file = '<inline>'): Recipe {
  const lines = text.split(/\r?\n/);
  const { header: headerLines, bodyStart } = splitHeader(lines);
  const header = readRecipeHeader(headerLines, file);
  const body = lines.slice(bodyStart).join('\n').trim();
  if (!body) throw new RecipeFormatError(`${file}: no KQL after the header`);
  for (const m of body.matchAll(/\b_[A-Za-z][A-Za-z0-9_]*\b/g)) {
    const used = m[0];
    if (STANDARD_COLUMNS.has(used)) continue;
    // Recipe-local lets (let _scope = ...) are fine; only undeclared parameters are an error.
    if (!header.params.some((p) => p.name === used) && !new RegExp(`\\blet\\s+${used}\\b`).test(body)) {
      throw new RecipeFormatError(
        `${file}: ${used} is used but neither listed under "// parameters:" (as "//   ${used}: <type> (meaning)") nor defined with let`,
      );
    }
  }
  const placeholders = new Set([...body.matchAll(/\$[A-Za-z][A-Za-z0-9_]*/g)].map((m) => m[0]));
  const declared = new Set(header.placeholders.map((p) => p.name));
  for (const name of placeholders)
    if (!declared.has(name))
      throw new RecipeFormatError(`${file}: header field "uses": the KQL uses ${name} but the header does not list it`);
  for (const name of declared)
    if (!placeholders.has(name))
      throw new RecipeFormatError(`${file}: header field "uses": lists ${name}, which the KQL never uses`);
  return {
    name: header.id,
    title: header.title,
    answers: header.answers,
    params: header.params,
    usesClassifier: placeholders.has('$classifier'),
    sections: header.sections,
    body,
    text,
    file,
  };
}

/** The repo's recipes/ folder, found from this file whether it runs from src/ (jest) or dist/src/ (build). */
function defaultRecipesDir(): string {
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
