/**
 * withSingleFlight: people re-send a command when the bot is slow, and pinned cards refresh together;
 * identical {kql, timespan} in flight share one upstream request.
 */
import type { LogSource, QueryRequest, QueryResult } from '../source/logSource';
import { abortedError } from './retry';

interface Flight {
  promise: Promise<QueryResult>;
  waiters: number;
  controller: AbortController;
}

function flightKey(request: QueryRequest): string {
  return `${request.timespan.from.toISOString()}/${request.timespan.to.toISOString()}\n${request.kql}`;
}

export function withSingleFlight(source: LogSource): LogSource & { readonly inFlight: number } {
  const flights = new Map<string, Flight>();
  return {
    info: source.info,
    get inFlight() {
      return flights.size;
    },
    query(request: QueryRequest): Promise<QueryResult> {
      if (request.signal?.aborted) return Promise.reject(abortedError());
      const key = flightKey(request);
      let flight = flights.get(key);
      if (!flight) {
        // The upstream call gets its own signal, aborted only when every waiter has given up.
        const controller = new AbortController();
        const promise = source.query({ ...request, signal: controller.signal });
        const made: Flight = { promise, waiters: 0, controller };
        flight = made;
        flights.set(key, made);
        const done = () => {
          if (flights.get(key) === made) flights.delete(key);
        };
        promise.then(done, done);
      }
      return join(flight, request.signal, () => {
        if (flights.get(key) === flight) flights.delete(key);
      });
    },
  };
}

function join(flight: Flight, signal: AbortSignal | undefined, forget: () => void): Promise<QueryResult> {
  flight.waiters++;
  return new Promise<QueryResult>((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      if (--flight.waiters === 0) {
        forget();
        flight.controller.abort();
      }
      reject(abortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    flight.promise.then(
      (r) => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        // Each caller gets its own stats object; tables are shared read-only.
        resolve({ ...r, stats: { ...r.stats } });
      },
      (e: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on exactly as the source rejected
        reject(e);
      },
    );
  });
}
