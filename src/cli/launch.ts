/**
 * The CLI's start: each command runs in a Node started from the Kusto parser's snapshot when this machine has one
 * (parserSnapshot.ts), else right here; afterwards the snapshot is built, or rebuilt with the analyses this command
 * made, in the background for the next command. The command's own modules are loaded only in the process that runs
 * it: the one that hands over to the snapshot's Node loads little more than this file and parserSnapshot.ts.
 */
import type * as Main from './main';
import type * as Kusto from '../kql/kusto';
import {
  buildParserSnapshotInBackground,
  markStarted,
  runFromSnapshot,
  runningFromParserSnapshot,
  snapshotEnabled,
  startedFromSnapshot,
} from './parserSnapshot';

export async function launch(argv = process.argv.slice(2)): Promise<number> {
  if (runningFromParserSnapshot()) markStarted();
  const handOver = snapshotEnabled() && !startedFromSnapshot();
  if (handOver) {
    const code = runFromSnapshot(__filename, argv);
    if (code !== null) return code;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
  const { main } = require('./main') as typeof Main;
  const code = await main(argv);
  if (handOver || runningFromParserSnapshot()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by the command already
    const { analysesToHold } = require('../kql/kusto') as typeof Kusto;
    const { requests, missed } = analysesToHold();
    buildParserSnapshotInBackground(requests, missed);
  }
  return code;
}

// The script the snapshot's Node runs.
if (require.main === module)
  void launch().then((code) => {
    process.exitCode = code;
  });
