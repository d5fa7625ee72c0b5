/**
 * A stored copy of the demo workspace, so a CLI command does not generate 130,000 rows every time. The demo made
 * for any moment of an hour is the demo made for the start of that hour shifted in time (the traffic curve is
 * read per hour, see demoPhase), so the copy is made once per hour, at the hour, and each command reads it back
 * and moves every time in it forward by how far into the hour the command runs: exactly the rows the generator
 * would make, which a test checks column by column.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { Workspace } from '../../../kql';
import { readWorkspaceSnapshot, saveWorkspaceSnapshot } from '../files/snapshot';
import { demoPhase, loadDemoWorkspace, type DemoOptions } from './generator';
import { rowMapper } from './mapping';

/** Bumped when what a stored copy holds changes in a way the key below does not see. */
const FORMAT = 1;

/**
 * The code that decides what a copy holds, so a copy made by another version of it is never read back: the demo's
 * own modules (this folder), the column builders they fill and the schemas they follow. A few dozen small files,
 * hashed in about a millisecond.
 */
const CODE = ['.', '../../../kql/columns', '../../../kql/storage', '../../../kql/cells', '../../../kql/values'];
const SCHEMAS = '../../../schema';

function codeHash(): string {
  const hash = createHash('sha256');
  const ext = __filename.slice(__filename.lastIndexOf('.')); // .ts under the tests, .js when built
  const addFolder = (folder: string) => {
    for (const name of fs.readdirSync(folder).sort())
      if (name.endsWith(ext) && !name.endsWith('.d.ts')) hash.update(name).update(fs.readFileSync(join(folder, name)));
  };
  for (const part of CODE)
    if (part === '.') addFolder(__dirname);
    else hash.update(part).update(fs.readFileSync(join(__dirname, `${part}${ext}`)));
  addFolder(join(__dirname, SCHEMAS));
  return hash.digest('hex').slice(0, 16);
}

function keyOf(opts: DemoOptions, hourStart: number): string {
  const { now: _now, ...rest } = opts;
  const columns = rowMapper(opts.schema ?? 'resource-specific').columns;
  return JSON.stringify([FORMAT, codeHash(), rest, columns, hourStart]);
}

/** Moves every datetime value (and ingestion time) of the workspace forward by `ms`; false if one is not shiftable. */
function shiftTimes(ws: Workspace, ms: number): boolean {
  for (const name of ws.tableNames()) {
    const t = ws.table(name);
    for (let c = 0; c < t.columns.length; c++) {
      if (t.columns[c].type !== 'datetime') continue;
      const s = t.stores[c];
      if (s.kind === 'null') continue;
      if (s.kind !== 'num') return false;
      for (let i = 0; i < s.data.length; i++) s.data[i] += ms;
    }
    if (t.ingestion) for (let i = 0; i < t.ingestion.length; i++) t.ingestion[i] += ms;
  }
  return true;
}

/** The demo for `opts.now` into `workspace`, from the hour's stored copy under `dir` when there is one (else made and stored). */
export function loadStoredDemo(workspace: Workspace, opts: DemoOptions, dir: string): { fromCopy: boolean } {
  const now = opts.now.getTime();
  const phase = demoPhase(now);
  const hourStart = now - phase;
  const demoDir = join(dir, 'demo');
  let key: string | null = null;
  let copy: Workspace | null = null;
  try {
    key = keyOf(opts, hourStart);
    copy = readWorkspaceSnapshot(demoDir, key);
  } catch {
    // unreadable or cut short: made again below
  }
  const fromCopy = copy !== null;
  if (!copy) {
    copy = new Workspace();
    loadDemoWorkspace(copy, { ...opts, now: new Date(hourStart) });
    if (key !== null) store(copy, demoDir, key);
  }
  // Shifted after storing: the stored copy is the hour's, every reader shifts it by its own phase.
  if (!shiftTimes(copy, phase)) {
    loadDemoWorkspace(workspace, opts);
    return { fromCopy: false };
  }
  for (const name of copy.tableNames()) workspace.putTable(copy.table(name));
  return { fromCopy };
}

/** Copies and unfinished writes older than this are removed when a new copy is written (each copy is tens of MB). */
const KEEP_MS = 2 * 3_600_000;

/** Writes the hour's copy, and removes the copies of earlier hours and writes a killed process left behind. */
function store(copy: Workspace, demoDir: string, key: string): void {
  try {
    saveWorkspaceSnapshot(copy, demoDir, key);
    const now = Date.now();
    for (const name of fs.readdirSync(demoDir)) {
      const path = join(demoDir, name);
      // Other options' copies of this hour (another schema or seed) stay: their commands read them.
      if (now - fs.statSync(path).mtimeMs > KEEP_MS) fs.rmSync(path, { force: true });
    }
  } catch {
    // a stored copy is only a shortcut: a read-only or full temp directory must not fail the command
  }
}
