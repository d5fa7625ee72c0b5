/**
 * The Kusto parser's start-up snapshot: the parser takes about a second of CPU to load and set itself up in every
 * process, so the CLI keeps, once per machine, a V8 start-up snapshot of a Node process with the parser loaded
 * (`node --build-snapshot`, under the temp directory, keyed by the Node version and the parser's version) and runs
 * each command in a Node started from it (`node --snapshot-blob`). The first command builds it in the background
 * after answering; a missing, stale or broken snapshot only means the ordinary start. Deleting it is always safe;
 * APIM_TRIAGE_PARSER_SNAPSHOT=off turns it off.
 *
 * The snapshot also holds the semantic analyses of the queries recent commands ran (a recipe's analysis takes a
 * few hundred milliseconds of a command's time, and the same recipe texts come back command after command, see
 * src/kql/shape.ts): src/kql/kusto.ts looks them up by query text and schema, so one is used only for exactly the
 * query and tables it was made for. A command that analysed a query its snapshot did not hold has the snapshot
 * rebuilt in the background with it.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { HELD_ANALYSES, type AnalysisRequest } from '../kql/kusto';
import { privateSnapshotDir } from '../logs/embedded/privateDir';

const PACKAGE = '@kusto/language-service-next';

function parserDir(): string {
  return dirname(require.resolve(`${PACKAGE}/bridge.js`));
}

type ReadFile = (path: string, encoding: 'utf8') => string;

/**
 * What `node --build-snapshot` runs: the parser's two scripts, which define the globals Kusto and System, then one
 * parse and analysis to finish the parser's own lazy set-up, then the analyses to hold, kept in the global `held`.
 * A snapshot build has no module system (Node's built-in modules only, through `require`), so this function is
 * written out as the build's script, with its arguments.
 */
function snapshotEntry(dir: string, held: string, requests: AnalysisRequest[]): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- no module system in a snapshot build
  const readFile = (require('node:fs') as { readFileSync: ReadFile }).readFileSync;
  for (const script of ['bridge.js', 'Kusto.Language.Bridge.js']) {
    // The scripts are written for a browser <script> or a CommonJS require; as a function body they set the
    // globals the same way (`this` is the global object).
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the parser's own code, from its installed package
    const run = new Function(readFile(`${dir}/${script}`, 'utf8')) as () => void;
    run();
  }
  interface Code {
    GetSyntaxDiagnostics(): unknown;
    GetDiagnostics(): unknown;
  }
  interface Language {
    KustoCode: { ParseAndAnalyze(text: string, globals?: unknown): Code };
    GlobalState: { Default: { WithDatabase(database: unknown): unknown } };
    Symbols: {
      TableSymbol: { $ctor7: new (name: string, schema: string, description: null) => unknown };
      DatabaseSymbol: { ctor: new (name: string, tables: unknown[]) => unknown };
    };
  }
  const g = globalThis as { Kusto?: { Language: Language } } & Record<string, unknown>;
  if (!g.Kusto) throw new Error(`the Kusto parser in ${dir} did not define its globals`);
  const K = g.Kusto.Language;
  K.KustoCode.ParseAndAnalyze('print x = 1 | extend y = strcat(tostring(x), "a") | where y has "a"');
  const analyses = new Map<string, { code: Code; request: AnalysisRequest }>();
  for (const request of requests) {
    const tables = request.tables.map((t) => new K.Symbols.TableSymbol.$ctor7(t.name, t.schema, null));
    const globals = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.ctor(request.database, tables));
    const code = K.KustoCode.ParseAndAnalyze(request.text, globals);
    // Diagnostics are computed on first request and kept: compute them now, so the snapshot has them.
    code.GetSyntaxDiagnostics();
    code.GetDiagnostics();
    analyses.set(request.key, { code, request });
  }
  g[held] = analyses;
}

/**
 * Where this machine's snapshot for this user, this Node and this parser lives; null when no safe folder exists.
 * @public (also read by the snapshot's test, in a child process)
 */
export function parserSnapshotPath(): string | null {
  const dir = privateSnapshotDir();
  if (dir === null) return null;
  const { version } = JSON.parse(fs.readFileSync(join(parserDir(), 'package.json'), 'utf8')) as { version: string };
  return join(dir, `kusto-parser-${version}-node-${process.version}-${process.arch}.blob`);
}

export function snapshotEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.APIM_TRIAGE_PARSER_SNAPSHOT !== 'off';
}

/** True in a process started from the snapshot (the parser's globals exist before any code asked for them). */
export function startedFromSnapshot(): boolean {
  return 'Kusto' in globalThis;
}

/**
 * Runs `script` with `args` in a Node started from the snapshot, sharing this process's terminal; returns its exit
 * code, or null when there is no snapshot yet or that Node could not be started.
 */
export function runFromSnapshot(script: string, args: string[]): number | null {
  if (process.env[CHILD] === '1') return null; // never a second hop
  const blob = usableSnapshot();
  if (blob === null) return null;
  // A fourth pipe on which the child says it has started (see markStarted): a crash before that is the snapshot's.
  const run = spawnSync(process.execPath, [...preloads(), '--snapshot-blob', blob, script, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, [CHILD]: '1' },
  });
  if (run.error) return null;
  // Node's exit code when it cannot start from the snapshot (e.g. V8 flags in NODE_OPTIONS other than the ones it
  // was built with): nothing of the command ran, so it runs here.
  if (run.status === SNAPSHOT_START_FAILED) return null;
  const started = (run.output[STARTED_FD]?.length ?? 0) > 0;
  // Node reads a damaged snapshot without checking it and crashes before any code runs: put it aside (the next
  // command builds a new one) and answer here. A crash after the start (the command out of memory on a huge file)
  // is the command's own: it is not run a second time, and the snapshot stays.
  if (!started && (run.signal === 'SIGSEGV' || run.signal === 'SIGABRT' || run.signal === 'SIGBUS')) {
    fs.rmSync(blob, { force: true });
    return null;
  }
  return run.status ?? 1;
}

const STARTED_FD = 3;

/** In the Node started from the snapshot: tells the process that started it that the snapshot loaded. */
export function markStarted(): void {
  if (process.env[CHILD] !== '1') return;
  try {
    fs.writeSync(STARTED_FD, '1');
    // Closed at once: a process this one starts (the snapshot's background rebuild) must not hold the pipe open,
    // or the waiting parent would wait for it too.
    fs.closeSync(STARTED_FD);
  } catch {
    // no such pipe (started by hand): nobody is waiting for the mark
  }
}

const SNAPSHOT_START_FAILED = 14;

/** Size and modification time of a snapshot when it was checked, kept beside it. */
interface Checked {
  size: number;
  mtimeMs: number;
}

const checkedPath = (blob: string) => `${blob}.checked.json`;

/**
 * The snapshot, when it is the very file that was checked after it was built (same size and modification time);
 * null when there is none or it changed since (a damaged file would crash the Node started from it).
 */
function usableSnapshot(): string | null {
  const blob = parserSnapshotPath();
  if (blob === null) return null;
  try {
    const st = fs.statSync(blob);
    const checked = JSON.parse(fs.readFileSync(checkedPath(blob), 'utf8')) as Partial<Checked>;
    return checked.size === st.size && checked.mtimeMs === st.mtimeMs ? blob : null;
  } catch {
    return null; // none yet, or no record of its check
  }
}

/** True in the Node this file started from the snapshot. */
export function runningFromParserSnapshot(): boolean {
  return process.env[CHILD] === '1' && startedFromSnapshot();
}

/** Set in the Node started from the snapshot. */
const CHILD = 'APIM_TRIAGE_FROM_PARSER_SNAPSHOT';

/** The modules this process was started with (`--require`, e.g. a TypeScript hook): the child needs them too. */
function preloads(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === '--require' || argv[i] === '-r') && i + 1 < argv.length) out.push('--require', argv[++i]);
    else if (argv[i].startsWith('--require=')) out.push(argv[i]);
  }
  return out;
}

/**
 * Builds the snapshot, holding the analyses listed in the JSON file `requestsFile` (none without one):
 * `node --build-snapshot` into a temporary file, checked by starting a Node from it, then moved into place (so
 * readers never see a half-written or unusable one). Throws when the build fails.
 * @public (called by name in the background builder's script below)
 */
export function buildParserSnapshot(requestsFile?: string): void {
  const blob = parserSnapshotPath();
  if (blob === null) throw new Error('no private folder for the parser snapshot under the temp directory');
  const requests = requestsFile ? (JSON.parse(fs.readFileSync(requestsFile, 'utf8')) as AnalysisRequest[]) : [];
  const temp = `${blob}.${process.pid}.tmp`;
  const entry = `${temp}.js`;
  try {
    const args = [parserDir(), HELD_ANALYSES, requests].map((a) => JSON.stringify(a)).join(', ');
    fs.writeFileSync(entry, `(${snapshotEntry.toString()})(${args});\n`);
    const build = spawnSync(process.execPath, ['--snapshot-blob', temp, '--build-snapshot', entry], {
      stdio: 'ignore',
    });
    if (build.status !== 0) throw new Error(`node --build-snapshot exited with ${build.status ?? build.signal}`);
    const check = spawnSync(
      process.execPath,
      [
        '--snapshot-blob',
        temp,
        '-e',
        `process.exit(typeof Kusto === "object" && globalThis[${JSON.stringify(HELD_ANALYSES)}].size === ${requests.length} ? 0 : 3)`,
      ],
      { stdio: 'ignore' },
    );
    if (check.status !== 0) throw new Error('a Node started from the new snapshot has no parser or not its analyses');
    const st = fs.statSync(temp);
    const checked: Checked = { size: st.size, mtimeMs: st.mtimeMs };
    fs.rmSync(checkedPath(blob), { force: true });
    fs.renameSync(temp, blob);
    fs.writeFileSync(checkedPath(blob), JSON.stringify(checked));
  } finally {
    fs.rmSync(temp, { force: true });
    fs.rmSync(entry, { force: true });
  }
}

/**
 * Starts building the snapshot in a detached process (one at a time per machine) when there is none, or when this
 * process analysed queries its snapshot did not hold (`missed`): the new one holds `requests`.
 */
export function buildParserSnapshotInBackground(requests: AnalysisRequest[] = [], missed = 0): void {
  const blob = parserSnapshotPath();
  if (blob === null) return;
  if (usableSnapshot() !== null && (missed === 0 || !runningFromParserSnapshot())) return;
  const lock = `${blob}.building`;
  const list = `${blob}.${process.pid}.queries.json`;
  try {
    const st = fs.statSync(lock, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs < 10 * 60_000) return; // another build is under way
    fs.writeFileSync(lock, String(process.pid));
    fs.writeFileSync(list, JSON.stringify(requests));
  } catch {
    return; // an unwritable temp directory: the CLI simply starts the ordinary way
  }
  const [self, lockPath, listPath] = [__filename, lock, list].map((p) => JSON.stringify(p));
  const script = `try { require(${self}).buildParserSnapshot(${listPath}); } finally { const fs = require('node:fs'); fs.rmSync(${listPath}, { force: true }); fs.rmSync(${lockPath}, { force: true }); }`;
  const child = spawn(process.execPath, [...preloads(), '-e', script], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
