/**
 * The import rules of docs/architecture.md, checked over the source: each room may import only what the
 * document says, so a swap of the Bot Framework SDK or of the log source stays a local change.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '..', '..', 'src');

interface SourceFile {
  /** Path relative to src/, with forward slashes. */
  file: string;
  /** Every module specifier the file imports or requires. */
  specifiers: string[];
}

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

const files: SourceFile[] = listTs(SRC).map((full) => {
  const text = fs.readFileSync(full, 'utf8');
  return {
    file: path.relative(SRC, full).split(path.sep).join('/'),
    specifiers: [...text.matchAll(SPECIFIER)].map((m) => m[1]),
  };
});

/** The src/ room an import lands in ('bot', 'logs', 'server.ts', ...), or the package name. */
function target(from: string, spec: string): { room?: string; pkg?: string } {
  if (!spec.startsWith('.')) {
    const parts = spec.split('/');
    return { pkg: spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
  }
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  return { room: resolved.split('/')[0].replace(/\.ts$/, '') };
}

function roomOf(file: string): string {
  return file.split('/')[0].replace(/\.ts$/, '');
}

function violations(rule: (from: string, to: { room?: string; pkg?: string }, spec: string) => boolean): string[] {
  const out: string[] = [];
  for (const f of files) {
    for (const spec of f.specifiers) {
      if (rule(f.file, target(f.file, spec), spec)) out.push(`${f.file} imports ${spec}`);
    }
  }
  return out;
}

const BOT_FRAMEWORK = /^(botbuilder|botbuilder-.*|botframework-.*|restify)$/;
const AZURE_QUERY = /^(@azure\/monitor-query-logs|@azure\/identity|@azure\/core-.*)$/;

describe('import rules between rooms (docs/architecture.md)', () => {
  it('finds the source files it checks', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.file === 'server.ts')).toBe(true);
  });

  it('only src/bot and src/server.ts know the Bot Framework SDK and restify', () => {
    const found = violations(
      (from, to) => to.pkg !== undefined && BOT_FRAMEWORK.test(to.pkg) && !['bot', 'server'].includes(roomOf(from)),
    );
    expect(found).toEqual([]);
  });

  it('only src/logs knows the Azure query SDK', () => {
    const found = violations((from, to) => to.pkg !== undefined && AZURE_QUERY.test(to.pkg) && roomOf(from) !== 'logs');
    expect(found).toEqual([]);
  });

  it('src/kql imports nothing of the app', () => {
    const found = violations((from, to) => roomOf(from) === 'kql' && to.room !== undefined && to.room !== 'kql');
    expect(found).toEqual([]);
  });

  it('src/bot never reaches a log source, the engine or the orchestrator directly', () => {
    const found = violations((from, to) => roomOf(from) === 'bot' && ['triage', 'logs', 'kql'].includes(to.room ?? ''));
    expect(found).toEqual([]);
  });

  it('src/triage knows no cards and no Teams host', () => {
    const found = violations((from, to) => roomOf(from) === 'triage' && ['cards', 'bot'].includes(to.room ?? ''));
    expect(found).toEqual([]);
  });

  it('src/commands knows no KQL, no log source and no Teams', () => {
    const found = violations(
      (from, to) =>
        roomOf(from) === 'commands' && ['kql', 'logs', 'bot', 'recipes', 'schema', 'triage'].includes(to.room ?? ''),
    );
    expect(found).toEqual([]);
  });

  it('rooms downstream of the source see only the LogSource types, never a concrete source', () => {
    const found = violations(
      (from, to, spec) =>
        ['recipes', 'schema', 'signatures', 'cards', 'commands'].includes(roomOf(from)) &&
        to.room === 'logs' &&
        !/\/logs\/source\//.test(spec),
    );
    expect(found).toEqual([]);
  });
});
