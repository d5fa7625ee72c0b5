/**
 * The CLI's start: each command runs in a Node started from the Kusto parser's snapshot when this machine has one
 * (parserSnapshot.ts), else right here, and then the snapshot is built in the background for the next command.
 * The command's own modules are loaded only in the process that runs it: the one that hands over to the snapshot's
 * Node loads nothing but this file and parserSnapshot.ts.
 */
import type * as Main from './main';
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  const { main } = require('./main') as typeof Main;
  const code = await main(argv);
  if (useSnapshot) buildParserSnapshotInBackground();
  return code;
}
