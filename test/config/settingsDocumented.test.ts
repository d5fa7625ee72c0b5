/**
 * Every environment variable the bot reads is documented: in .env.sample (as `NAME=`) and in the settings
 * reference (as `NAME`), which is docs/settings.md where it exists and the README's Settings table before.
 * The names come from the settings schema and from any direct `process.env` read anywhere under src/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SETTING_NAMES } from '../../src/config';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** `process.env.NAME` and `process.env['NAME']` reads. */
function directReads(source: string): string[] {
  const re = /process\.env(?:\.([A-Za-z_]\w*)|\[\s*['"`]([A-Za-z_]\w*)['"`]\s*\])/g;
  return [...source.matchAll(re)].map((m) => m[1] ?? m[2]);
}

const settingsDoc = existsSync(path.join(ROOT, 'docs', 'settings.md')) ? 'docs/settings.md' : 'README.md';

const names = [
  ...new Set([
    ...SETTING_NAMES,
    ...sourceFiles(path.join(ROOT, 'src')).flatMap((f) => directReads(readFileSync(f, 'utf8'))),
  ]),
].sort();

test('the direct-read scan finds both spellings', () => {
  expect(directReads("const a = process.env.FOO; const b = process.env['BAR'];")).toEqual(['FOO', 'BAR']);
});

test('the schema names the settings the bot is known to read', () => {
  expect(names).toEqual(expect.arrayContaining(['PORT', 'MicrosoftAppId', 'STATE_DIR', 'STATE_BLOB_CONTAINER']));
});

test('every setting has a line in .env.sample', () => {
  const sample = read('.env.sample');
  expect(names.filter((name) => !new RegExp(`^${name}=`, 'm').test(sample))).toEqual([]);
});

test(`every setting is described in ${settingsDoc}`, () => {
  const doc = read(settingsDoc);
  expect(names.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
});
