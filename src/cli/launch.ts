/**
 * The CLI's start: each command runs in a Node started from the Kusto parser's snapshot when this machine has one
 * (parserSnapshot.ts), else right here, and then the snapshot is built in the background for the next command.
 */
import { main } from './main';
import {
  buildParserSnapshotInBackground,
  runFromSnapshot,
  snapshotEnabled,
  startedFromSnapshot,
} from './parserSnapshot';

export async function launch(argv = process.argv.slice(2)): Promise<number> {
  const useSnapshot = snapshotEnabled() && !startedFromSnapshot();
  if (useSnapshot) {
    const code = runFromSnapshot(require.resolve('./main'), argv);
    if (code !== null) return code;
  }
  const code = await main(argv);
  if (useSnapshot) buildParserSnapshotInBackground();
  return code;
}
