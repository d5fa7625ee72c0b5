/**
 * The folder of this user's snapshots under the temp directory: the CLI's parser start-up snapshot, the demo's
 * stored copy and the columnar snapshots of loaded log files. A snapshot is code or data that is trusted when read
 * back, and a log file's may hold what its URLs and headers held, so the folder is made private (0700) and one
 * that another user owns or can write to is never used: snapshots are then done without.
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
