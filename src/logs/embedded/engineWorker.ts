/**
 * Worker-thread entry of the embedded engine: rebuilds the workspace from the shared image it is
 * started with, loads the KQL parser once, then answers one query message at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KqlError, preloadParser, runQuery } from '../../kql';
import { workspaceFromImage, type WorkspaceImage } from '../../kql/image';
import type { WorkerReply, WorkerRequest } from './enginePool';

const port = parentPort;
if (!port) throw new Error('engineWorker.js runs only as a worker thread of the embedded engine pool.');
const workspace = workspaceFromImage((workerData as { image: WorkspaceImage }).image);
preloadParser();

port.on('message', (req: WorkerRequest) => {
  const started = performance.now();
  let reply: WorkerReply;
  try {
    const out = runQuery(workspace, req.kql, { now: new Date(req.nowMs) });
    reply = {
      id: req.id,
      ok: true,
      tables: out.tables,
      rowsExamined: out.rowsExamined,
      elapsedMs: performance.now() - started,
    };
  } catch (err) {
    reply =
      err instanceof KqlError
        ? {
            id: req.id,
            ok: false,
            kql: {
              kind: err.kind,
              message: err.message,
              details: { code: err.code, line: err.line, column: err.column, suggestions: err.suggestions },
            },
          }
        : { id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
