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
 * The generator's own code, so a copy made by another version of it is never read back: the demo's modules are
 * all in this folder (a few small files, hashed in about a millisecond).
 */
function generatorHash(): string {
  const hash = createHash('sha256');
  for (const name of fs.readdirSync(__dirname).sort())
    if (/\.(js|ts)$/.test(name) && !name.endsWith('.d.ts'))
      hash.update(name).update(fs.readFileSync(join(__dirname, name)));
  return hash.digest('hex').slice(0, 16);
}

function keyOf(opts: DemoOptions, hourStart: number): string {
  const { now: _now, ...rest } = opts;
  const columns = rowMapper(opts.schema ?? 'resource-specific').columns;
  return JSON.stringify([FORMAT, generatorHash(), rest, columns, hourStart]);
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

/** Writes the hour's copy and removes the earlier hours' ones (each is tens of MB). */
function store(copy: Workspace, demoDir: string, key: string): void {
  try {
    const written = saveWorkspaceSnapshot(copy, demoDir, key);
    for (const name of fs.readdirSync(demoDir))
      if (name.endsWith('.snapshot') && join(demoDir, name) !== written)
        fs.rmSync(join(demoDir, name), { force: true });
  } catch {
    // a stored copy is only a shortcut: a read-only or full temp directory must not fail the command
  }
}
