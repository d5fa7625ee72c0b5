/**
 * Work several callers wait on at once (a schema probe, a freshness query): it runs once, with its own
 * abort signal, and that signal fires only when every caller has given up. A caller whose own signal fires
 * leaves at once; the others keep their answer. Nothing runs on after the last caller has left.
 */

/** The error a caller gets when its own signal fired (the same shape fetch and the Azure SDK use). */
function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('The operation was aborted.');
  err.name = 'AbortError';
  return err;
}

export class SharedWork<T> {
  private readonly controller = new AbortController();
  private readonly promise: Promise<T>;
  private waiters = 0;
  private settled = false;

  constructor(run: (signal: AbortSignal) => Promise<T>) {
    this.promise = run(this.controller.signal);
    const done = () => {
      this.settled = true;
    };
    this.promise.then(done, done);
  }

  /** The work's own outcome, for bookkeeping (caching it); observing does not count as waiting. */
  get outcome(): Promise<T> {
    return this.promise;
  }

  /** True once every caller left before the work finished: it was cancelled, its outcome means nothing. */
  get abandoned(): boolean {
    return this.controller.signal.aborted;
  }

  /** Waits for the work, or rejects with an abort error as soon as `signal` fires. */
  join(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    this.waiters++;
    return new Promise<T>((resolve, reject) => {
      let left = false;
      const leave = () => {
        if (left) return;
        left = true;
        if (--this.waiters === 0 && !this.settled) this.controller.abort(abortError(signal));
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.promise.then(
        (value) => {
          signal?.removeEventListener('abort', leave);
          if (left) return;
          left = true;
          this.waiters--;
          resolve(value);
        },
        (err: unknown) => {
          signal?.removeEventListener('abort', leave);
          if (left) return;
          left = true;
          this.waiters--;
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }
}
