/**
 * The folder of this user's CLI snapshots (the parser's start-up snapshot, the demo's stored copy) under the temp
 * directory. A snapshot is code or data the CLI trusts, so the folder is made private (0700) and one that another
 * user owns or can write to is never used: the CLI then does without.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function privateSnapshotDir(): string | null {
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
