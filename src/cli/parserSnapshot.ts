/**
 * The Kusto parser's start-up snapshot: the parser takes about a second of CPU to load and set itself up in every
 * process, so the CLI keeps, once per machine, a V8 start-up snapshot of a Node process with the parser loaded
 * (`node --build-snapshot`, under the temp directory, keyed by the Node version and the parser's version) and runs
 * each command in a Node started from it (`node --snapshot-blob`). The first command builds it in the background
 * after answering; a missing, stale or broken snapshot only means the ordinary start. Deleting it is always safe;
 * APIM_TRIAGE_PARSER_SNAPSHOT=off turns it off.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const PACKAGE = '@kusto/language-service-next';

function parserDir(): string {
  return dirname(require.resolve(`${PACKAGE}/bridge.js`));
}

type ReadFile = (path: string, encoding: 'utf8') => string;

/**
 * What `node --build-snapshot` runs: the parser's two scripts, which define the globals Kusto and System, then one
 * parse and analysis to finish the parser's own lazy set-up. A snapshot build has no module system (Node's built-in
 * modules only, through `require`), so this function is written out as the build's script, with the folder.
 */
function snapshotEntry(dir: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- no module system in a snapshot build
  const readFile = (require('node:fs') as { readFileSync: ReadFile }).readFileSync;
  for (const script of ['bridge.js', 'Kusto.Language.Bridge.js']) {
    // The scripts are written for a browser <script> or a CommonJS require; as a function body they set the
    // globals the same way (`this` is the global object).
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the parser's own code, from its installed package
    const run = new Function(readFile(`${dir}/${script}`, 'utf8')) as () => void;
    run();
  }
  const g = globalThis as { Kusto?: { Language: { KustoCode: { ParseAndAnalyze(text: string): unknown } } } };
  if (!g.Kusto) throw new Error(`the Kusto parser in ${dir} did not define its globals`);
  g.Kusto.Language.KustoCode.ParseAndAnalyze('print x = 1 | extend y = strcat(tostring(x), "a") | where y has "a"');
}

/**
 * The folder of this user's snapshots. A snapshot is code the CLI runs, so the folder is made private (0700) and
 * one that another user owns or can write to is never used: the CLI then starts the ordinary way.
 */
function snapshotDir(): string | null {
  const uid = process.getuid?.();
  const dir = join(tmpdir(), uid === undefined ? 'apim-triage-snapshots' : `apim-triage-snapshots-${uid}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.statSync(dir);
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) return null;
    return dir;
  } catch {
    return null; // an unwritable temp directory
  }
}

/**
 * Where this machine's snapshot for this user, this Node and this parser lives; null when no safe folder exists.
 * @public (also read by the snapshot's test, in a child process)
 */
export function parserSnapshotPath(): string | null {
  const dir = snapshotDir();
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
  const blob = parserSnapshotPath();
  if (blob === null || !fs.existsSync(blob)) return null;
  const run = spawnSync(process.execPath, [...preloads(), '--snapshot-blob', blob, script, ...args], {
    stdio: 'inherit',
    env: { ...process.env, [CHILD]: '1' },
  });
  if (run.error) return null;
  return run.status ?? 1;
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
 * Builds the snapshot: `node --build-snapshot` into a temporary file, checked by starting a Node from it, then
 * moved into place (so readers never see a half-written or unusable one). Throws when the build fails.
 * @public (called by name in the background builder's script below)
 */
export function buildParserSnapshot(): void {
  const blob = parserSnapshotPath();
  if (blob === null) throw new Error('no private folder for the parser snapshot under the temp directory');
  const temp = `${blob}.${process.pid}.tmp`;
  const entry = `${temp}.js`;
  try {
    fs.writeFileSync(entry, `(${snapshotEntry.toString()})(${JSON.stringify(parserDir())});\n`);
    const build = spawnSync(process.execPath, ['--snapshot-blob', temp, '--build-snapshot', entry], {
      stdio: 'ignore',
    });
    if (build.status !== 0) throw new Error(`node --build-snapshot exited with ${build.status ?? build.signal}`);
    const check = spawnSync(
      process.execPath,
      ['--snapshot-blob', temp, '-e', 'process.exit(typeof Kusto === "object" ? 0 : 3)'],
      { stdio: 'ignore' },
    );
    if (check.status !== 0) throw new Error('a Node started from the new snapshot has no parser');
    fs.renameSync(temp, blob);
  } finally {
    fs.rmSync(temp, { force: true });
    fs.rmSync(entry, { force: true });
  }
}

/** Starts building the snapshot in a detached process (one at a time per machine), unless it exists already. */
export function buildParserSnapshotInBackground(): void {
  const blob = parserSnapshotPath();
  if (blob === null || fs.existsSync(blob)) return;
  const lock = `${blob}.building`;
  try {
    const st = fs.statSync(lock, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs < 10 * 60_000) return; // another build is under way
    fs.writeFileSync(lock, String(process.pid));
  } catch {
    return; // an unwritable temp directory: the CLI simply starts the ordinary way
  }
  const script = `try { require(${JSON.stringify(__filename)}).buildParserSnapshot(); } finally { require('node:fs').rmSync(${JSON.stringify(lock)}, { force: true }); }`;
  const child = spawn(process.execPath, ['-e', script], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
