/**
 * Work the bot finishes after its turn has ended (answers delivered out of band), and how it ends on
 * shutdown: given time to land, then cancelled so each still ends in an explained card.
 */
import { setMaxListeners } from 'node:events';

export class OutOfBand {
  private readonly pending = new Set<Promise<void>>();
  /** Aborted by drain() when the grace period runs out: runs still going end with a "restarted" card. */
  private readonly stopping = new AbortController();

  /** `onError` hears about work that failed; nobody else is waiting for it. */
  constructor(private readonly onError: (err: unknown) => void) {
    // Every answer in flight listens on the shutdown signal; dozens at once during an outage are expected.
    setMaxListeners(0, this.stopping.signal);
  }

  /** Number of pieces of work still going. */
  get size(): number {
    return this.pending.size;
  }

  /** Aborted when drain() gives up waiting. */
  get shutdown(): AbortSignal {
    return this.stopping.signal;
  }

  track(work: Promise<void>): void {
    const p = work.catch(this.onError);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when every piece of work has finished, including work started meanwhile. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Lets work finish for up to `graceMs`, then aborts the rest. Bounded: resolves within graceMs + settleMs. */
  async drain(graceMs: number, settleMs: number): Promise<{ finished: number; cancelled: number }> {
    const before = this.pending.size;
    const timeout = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
    if ((await Promise.race([this.idle().then(() => 'idle' as const), timeout(graceMs)])) === 'idle') {
      return { finished: before, cancelled: 0 };
    }
    const cancelled = this.pending.size;
    this.stopping.abort();
    await Promise.race([this.idle(), timeout(settleMs)]);
    return { finished: before - cancelled, cancelled };
  }
}
