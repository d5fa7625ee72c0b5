/**
 * The CLI's Kusto parser snapshot: built once, a Node started from it has the parser loaded, and the CLI answers
 * from it exactly as it does without it. The temp directory is redirected (TMPDIR) so the machine's own snapshot
 * is left alone; the TypeScript sources run in the child processes through test/support/registerTs.js.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  });

const ask = (snapshot: 'on' | 'off') =>
  node(
    `require(${LAUNCH}).launch(['ask', 'triage last 15m', '--now', '2026-11-23T12:00:00Z', '--json']).then((c) => { process.exitCode = c; })`,
    snapshot,
  );

test('built once, a Node started from it has the parser, and the CLI answers the same from it', () => {
  const plain = ask('off');
  expect(fs.readdirSync(dir)).toEqual([]); // off: nothing built, nothing read

  node(`require(${MODULE}).buildParserSnapshot()`);
  const blob = node(`process.stdout.write(String(require(${MODULE}).parserSnapshotPath()))`);
  expect(blob.startsWith(dir)).toBe(true);
  expect(fs.existsSync(blob)).toBe(true);
  const probe = join(dir, 'probe.js');
  fs.writeFileSync(probe, 'process.exitCode = typeof Kusto === "object" ? 7 : 3;');
  const code = node(`process.stdout.write(String(require(${MODULE}).runFromSnapshot(${JSON.stringify(probe)}, [])))`);
  expect(code).toBe('7');

  // the answer itself (timings and the time asked aside)
  const answer = (json: string) => {
    const { title, summary, findings, sections, kql } = JSON.parse(json) as Record<string, unknown>;
    return { title, summary, findings, sections, kql };
  };
  expect(answer(ask('on'))).toEqual(answer(plain));
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
