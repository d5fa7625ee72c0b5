/**
 * The CLI's Kusto parser snapshot: built once, a Node started from it has the parser loaded, and the CLI answers
 * from it exactly as it does without it. The temp directory is redirected (TMPDIR) so the machine's own snapshot
 * is left alone; the TypeScript sources run in the child processes through test/support/registerTs.js.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { HELD_ANALYSES } from '../../src/kql/kusto';

const REGISTER = join(__dirname, '..', 'support', 'registerTs.js');
const MODULE = JSON.stringify(join(__dirname, '..', '..', 'src', 'cli', 'parserSnapshot.ts'));
const LAUNCH = JSON.stringify(join(__dirname, '..', '..', 'src', 'cli', 'launch.ts'));
let dir: string;

beforeAll(() => (dir = fs.mkdtempSync(join(tmpdir(), 'parser-snapshot-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs a script with the TypeScript hook, the temp directory redirected and the snapshot on or off. */
const node = (script: string, snapshot: 'on' | 'off' = 'on') =>
  execFileSync(process.execPath, ['--require', REGISTER, '-e', script], {
    env: { ...process.env, TMPDIR: dir, APIM_TRIAGE_PARSER_SNAPSHOT: snapshot },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // a Node crashing on a damaged snapshot (a test below) says so on stderr
  });

const ask = (snapshot: 'on' | 'off') =>
  node(
    `require(${LAUNCH}).launch(['ask', 'triage last 15m', '--now', '2026-11-23T12:00:00Z', '--json']).then((c) => { process.exitCode = c; })`,
    snapshot,
  );

/** The snapshot's file, and the folder it is in. */
const blobPath = () => node(`process.stdout.write(String(require(${MODULE}).parserSnapshotPath()))`);

/** Waits until no background build is under way in the snapshot folder (the builder removes its lock when done). */
async function buildsFinished(): Promise<void> {
  const folder = dirname(blobPath());
  for (let i = 0; i < 600 && fs.readdirSync(folder).some((f) => f.endsWith('.building')); i++)
    await new Promise((r) => setTimeout(r, 200));
  expect(fs.readdirSync(folder).filter((f) => f.endsWith('.building'))).toEqual([]);
}

/** What a Node started from the snapshot reports: whether it has the parser, and the query texts it holds analysed. */
function fromSnapshot(): { parser: boolean; held: string[] } | null {
  const probe = join(dir, 'probe.js');
  const out = join(dir, 'probe.json');
  fs.rmSync(out, { force: true });
  fs.writeFileSync(
    probe,
    `const held = globalThis[${JSON.stringify(HELD_ANALYSES)}];
require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({
  parser: typeof Kusto === 'object',
  held: held ? [...held.values()].map((h) => h.request.text) : [],
}));`,
  );
  const code = node(`process.stdout.write(String(require(${MODULE}).runFromSnapshot(${JSON.stringify(probe)}, [])))`);
  return code === '0' ? (JSON.parse(fs.readFileSync(out, 'utf8')) as { parser: boolean; held: string[] }) : null;
}

/** The answer itself (timings and the time asked aside). */
const answer = (json: string) => {
  const { title, summary, findings, sections, kql } = JSON.parse(json) as Record<string, unknown>;
  return { title, summary, findings, sections, kql };
};

let plain: ReturnType<typeof answer>;

test('built once, a Node started from it has the parser, and the CLI answers the same from it', async () => {
  plain = answer(ask('off'));
  expect(fs.readdirSync(dir)).toEqual([]); // off: nothing built, nothing read

  node(`require(${MODULE}).buildParserSnapshot()`);
  const blob = blobPath();
  expect(blob.startsWith(dir)).toBe(true);
  expect(fs.existsSync(blob)).toBe(true);
  expect(fromSnapshot()).toEqual({ parser: true, held: [] });

  expect(answer(ask('on'))).toEqual(plain);
  // That command's analyses were not in the snapshot: it was rebuilt with them, and the next command uses them.
  await buildsFinished();
  const held = fromSnapshot()?.held ?? [];
  expect(held.some((t) => t.startsWith('let GatewayLogs = '))).toBe(true); // the triage recipe
  expect(held.some((t) => t.includes('\nunion isfuzzy=true\n'))).toBe(true); // the schema probe
  const rebuilt = fs.statSync(blob).mtimeMs;
  expect(answer(ask('on'))).toEqual(plain);
  await buildsFinished();
  expect(fs.statSync(blob).mtimeMs).toBe(rebuilt); // nothing new to hold: not rebuilt
});

test('a snapshot changed since it was checked is not used, and a damaged one that crashes Node is put aside', async () => {
  const blob = blobPath();
  await buildsFinished();
  // Cut short (as a full disk might leave it): its size no longer matches the check, so it is never started.
  fs.truncateSync(blob, 1_000_000);
  expect(fromSnapshot()).toBeNull();
  expect(answer(ask('on'))).toEqual(plain);
  await buildsFinished(); // the command found no usable snapshot: a new one was built
  expect(fromSnapshot()?.parser).toBe(true);

  // A command that crashes after starting from a good snapshot (out of memory on a huge file, say) is its own
  // failure: it is not run a second time, and the snapshot stays.
  const crash = join(dir, 'crash.js');
  fs.writeFileSync(crash, `require(${MODULE}).markStarted(); process.abort();`);
  const crashed = node(
    `process.stdout.write(String(require(${MODULE}).runFromSnapshot(${JSON.stringify(crash)}, [])))`,
  );
  expect(crashed).toBe('1');
  expect(fs.existsSync(blob)).toBe(true);

  // Damaged although its size and time match the record of its check (kept beside it): Node crashes reading it.
  const fd = fs.openSync(blob, 'r+');
  fs.writeSync(fd, Buffer.alloc(4096, 0xff), 0, 4096, 0);
  fs.closeSync(fd);
  const st = fs.statSync(blob);
  fs.writeFileSync(`${blob}.checked.json`, JSON.stringify({ size: st.size, mtimeMs: st.mtimeMs }));
  expect(fromSnapshot()).toBeNull(); // Node did not start from it; it is put aside
  expect(fs.existsSync(blob)).toBe(false);
  expect(answer(ask('on'))).toEqual(plain);
  await buildsFinished();
  expect(fromSnapshot()?.parser).toBe(true);
});

test('a snapshot folder another user can write to is never used: the CLI starts the ordinary way', () => {
  const uid = process.getuid?.();
  if (uid === undefined) return; // no file ownership to check on this platform
  const shared = fs.mkdtempSync(join(tmpdir(), 'parser-snapshot-shared-'));
  try {
    const folder = join(shared, `apim-triage-snapshots-${uid}`);
    fs.mkdirSync(folder);
    fs.chmodSync(folder, 0o777); // as if someone else had made it writable for all
    const run = (script: string) =>
      execFileSync(process.execPath, ['--require', REGISTER, '-e', script], {
        env: { ...process.env, TMPDIR: shared, APIM_TRIAGE_PARSER_SNAPSHOT: 'on' },
        encoding: 'utf8',
      });
    expect(run(`process.stdout.write(String(require(${MODULE}).parserSnapshotPath()))`)).toBe('null');
    expect(run(`process.stdout.write(String(require(${MODULE}).runFromSnapshot('x.js', [])))`)).toBe('null');
    expect(fs.readdirSync(folder)).toEqual([]);
  } finally {
    fs.rmSync(shared, { recursive: true, force: true });
  }
});
