/**
 * Keeps pinned cards current: each pin re-runs its command on a timer and replaces the card
 * in place. Timers are per pin, unref'd, never overlapping for one pin, jittered so pins made together
 * do not fire together, and refreshes share a small concurrency budget (Log Analytics allows 5
 * concurrent queries per user; Teams ~7 sends/s per conversation). State lives in botbuilder Storage so
 * a restarted bot resumes its pins (files by default, Azure Blob when several instances share them).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ConversationReference, Storage } from 'botbuilder';
import { errorText } from '../../redact';
import { botWaitMs } from '../../timeouts';
import { silentLogger, type Logger } from '../ports';
import { PinStore, baseConversationId, type PinRecord } from './pinStore';

export type { PinRecord } from './pinStore';

export type PinPhase = 'live' | 'ended';
export type Deliver = (ref: Partial<ConversationReference>, activityId: string, card: object) => Promise<void>;
/** Runs the pin's command fresh and returns its card; `phase` says whether this is the final update. */
export type RenderPin = (text: string, pin: PinRecord, phase: PinPhase) => Promise<object>;

export interface PinManagerOptions {
  storage: Storage;
  deliver: Deliver;
  render: RenderPin;
  clock?: () => number;
  logger?: Logger;
  /** Refreshes running at once across all pins (default 2). */
  maxConcurrent?: number;
  /** Up to this much random delay is added to each refresh (default 5 s). */
  jitterMs?: number;
  random?: () => number;
  /** Pins allowed per conversation (default 5). */
  maxPinsPerConversation?: number;
  /** Transient delivery failures in a row before a pin is dropped (default 5). */
  maxFailures?: number;
  /** This instance's name in pin claims (default: host, process id and a random suffix). */
  instanceId?: string;
  /** How long a claim on a refresh holds when its instance dies before finishing (default 80 s). */
  claimHoldMs?: number;
  /** How often to look for pins made by other instances, or left by one that stopped (default 60 s; 0: never). */
  rescanMs?: number;
  /** Starts a timer; tests pass one that runs with their clock. Default setTimeout. */
  setTimer?: (fn: () => void, delayMs: number) => NodeJS.Timeout;
}

/** Time allowed for delivering a refreshed card (with Teams' retries) on top of the answer's wait. */
const CLAIM_DELIVERY_MS = 30_000;

/** How long a refresh claim holds: longer than one refresh may take, or a slow refresh would be taken over. */
export function claimHoldFor(refreshWaitMs: number = botWaitMs()): number {
  return refreshWaitMs + CLAIM_DELIVERY_MS;
}

/** Instances' clocks differ a little: a refresh may be taken this much before it is due. */
const CLOCK_SKEW_MS = 2_000;

function defaultInstanceId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
}

export type PinInput = Omit<PinRecord, 'pinnedAt' | 'lastRefreshAt'>;

export class PinLimitError extends Error {
  constructor(readonly limit: number) {
    super(`This conversation already has ${limit} live cards; "unpin" one (or "unpin all") before pinning another.`);
    this.name = 'PinLimitError';
  }
}

interface Slot {
  pin: PinRecord;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  failures: number;
  removed: boolean;
}

const slotKey = (conversationId: string, activityId: string) => `${conversationId}\u0000${activityId}`;

/** HTTP status of a connector error (botframework-connector RestError and friends). */
function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | undefined;
  const s = e?.statusCode ?? e?.status ?? e?.response?.status;
  return typeof s === 'number' ? s : undefined;
}

export class PinManager {
  private readonly store: PinStore;
  private readonly deliver: Deliver;
  private readonly render: RenderPin;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly maxConcurrent: number;
  private readonly jitterMs: number;
  private readonly random: () => number;
  private readonly maxPins: number;
  private readonly maxFailures: number;
  /** Names this instance in claims, so several instances sharing storage refresh each pin once. */
  readonly instanceId: string;
  private readonly claimHoldMs: number;
  private readonly rescanMs: number;
  private readonly setTimer: (fn: () => void, delayMs: number) => NodeJS.Timeout;
  private rescanTimer?: NodeJS.Timeout;
  private readonly slots = new Map<string, Slot>();
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private stopped = false;
  /** Slots dropped while their refresh was still running, so idle() can wait for them. */
  private readonly finishing = new Set<Slot>();

  constructor(opts: PinManagerOptions) {
    this.store = new PinStore(opts.storage);
    this.deliver = opts.deliver;
    this.render = opts.render;
    this.clock = opts.clock ?? (() => Date.now());
    this.logger = opts.logger ?? silentLogger;
    this.maxConcurrent = Math.max(1, opts.maxConcurrent ?? 2);
    this.jitterMs = Math.max(0, opts.jitterMs ?? 5_000);
    this.random = opts.random ?? Math.random;
    this.maxPins = opts.maxPinsPerConversation ?? 5;
    this.maxFailures = opts.maxFailures ?? 5;
    this.instanceId = opts.instanceId ?? defaultInstanceId();
    this.claimHoldMs = Math.max(1_000, opts.claimHoldMs ?? claimHoldFor());
    this.rescanMs = Math.max(0, opts.rescanMs ?? 60_000);
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  }

  /** Persists the pin and schedules its refreshes; re-pinning the same card replaces its settings. */
  async pin(input: PinInput): Promise<PinRecord> {
    // Keyed by the channel, not the thread: "unpin" and "pins" work from anywhere in the channel.
    const record: PinRecord = {
      ...input,
      conversationId: baseConversationId(input.conversationId),
      pinnedAt: this.clock(),
    };
    await this.store.update(record.conversationId, (pins) => {
      const others = pins.filter((p) => p.activityId !== input.activityId);
      if (others.length >= this.maxPins) throw new PinLimitError(this.maxPins);
      return [...others, record];
    });
    this.schedule(record, record.pinnedAt + record.everyMs);
    this.logger.info('pinned', {
      conversationId: record.conversationId,
      activityId: input.activityId,
      command: input.commandText,
      everyMs: input.everyMs,
      untilMs: input.untilMs,
    });
    return record;
  }

  /** Ends one pin: the given card, or the most recently pinned one. Returns what was unpinned. */
  async unpin(channelOrThreadId: string, activityId?: string): Promise<PinRecord[]> {
    const conversationId = baseConversationId(channelOrThreadId);
    let removed: PinRecord[] = [];
    await this.store.update(conversationId, (pins) => {
      // Latest pinnedAt; on a tie the later entry (pins are appended in order) is the more recent.
      const latest = pins.reduce<PinRecord | undefined>(
        (best, p) => (!best || p.pinnedAt >= best.pinnedAt ? p : best),
        undefined,
      );
      const target = activityId ?? latest?.activityId;
      removed = pins.filter((p) => p.activityId === target);
      return pins.filter((p) => p.activityId !== target);
    });
    for (const p of removed) this.drop(p.conversationId, p.activityId);
    return removed;
  }

  async unpinAll(channelOrThreadId: string): Promise<PinRecord[]> {
    const conversationId = baseConversationId(channelOrThreadId);
    const removed = await this.store.remove(conversationId);
    this.dropConversation(conversationId);
    return removed;
  }

  async list(channelOrThreadId: string): Promise<PinRecord[]> {
    return (await this.store.pinsOf(baseConversationId(channelOrThreadId))).sort((a, b) => a.pinnedAt - b.pinnedAt);
  }

  /**
   * The bot was removed from a conversation (chat or channel id) or a team (team id): its cards there can
   * no longer be updated, so their pins end without a final update.
   */
  async forgetConversation(conversationId: string): Promise<void> {
    const base = baseConversationId(conversationId);
    const affected = new Set([base]);
    for (const c of await this.store.conversations()) {
      if ((await this.store.pinsOf(c)).some((p) => p.teamId === base)) affected.add(c);
    }
    for (const c of affected) {
      this.dropConversation(c);
      await this.store.remove(c);
    }
    this.logger.info('pins forgotten: bot removed', { conversationId: base, conversations: affected.size });
  }

  /**
   * Start-up: schedules every stored pin (expired ones get their final "ended" update now), then looks
   * again every `rescanMs` for pins other instances made. Every instance schedules every pin; the claim
   * taken when a timer fires decides which one refreshes it.
   */
  async resume(): Promise<number> {
    this.stopped = false;
    const count = await this.discover();
    if (count > 0) this.logger.info('pins resumed', { count });
    this.armRescan();
    return count;
  }

  private armRescan(): void {
    if (this.stopped || this.rescanMs === 0 || this.rescanTimer) return;
    this.rescanTimer = this.setTimer(() => {
      this.rescanTimer = undefined;
      void this.discover()
        .catch((err) => this.logger.warn('could not look for new pins', { error: errorText(err, 300) }))
        .finally(() => this.armRescan());
    }, this.rescanMs);
    this.rescanTimer.unref?.();
  }

  /** Schedules stored pins this instance does not know yet; returns how many. */
  private async discover(): Promise<number> {
    let count = 0;
    const now = this.clock();
    for (const conversationId of await this.store.conversations()) {
      for (const pin of await this.store.pinsOf(conversationId)) {
        if (this.slots.has(slotKey(pin.conversationId, pin.activityId))) continue;
        const due = Math.max(now, (pin.lastRefreshAt ?? pin.pinnedAt) + pin.everyMs);
        this.schedule(pin, Math.min(due, Math.max(now, pin.untilMs)));
        count++;
      }
    }
    return count;
  }

  /**
   * Graceful shutdown: no new refreshes; waits up to `graceMs` (default 10 s) for those running. Pins stay
   * in storage (each change was written when it happened), so the next start's resume() carries on.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    this.rescanTimer = undefined;
    const running: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = undefined;
      if (slot.running) running.push(slot.running);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref?.();
    });
    await Promise.race([Promise.allSettled(running), timeout]);
    clearTimeout(timer);
    this.slots.clear();
    for (const release of this.queue.splice(0)) release();
  }

  /** Resolves once no refresh is running (tests; shutdown uses stop()). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.slots.values(), ...this.finishing]
        .map((s) => s.running)
        .filter((r): r is Promise<void> => Boolean(r));
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  /** Pins currently scheduled in this process (tests, /healthz). */
  get scheduled(): number {
    return this.slots.size;
  }

  private schedule(pin: PinRecord, at: number): void {
    if (this.stopped) return;
    const key = slotKey(pin.conversationId, pin.activityId);
    const old = this.slots.get(key);
    if (old?.timer) clearTimeout(old.timer);
    if (old) {
      old.removed = true;
      if (old.running) this.finishing.add(old);
    }
    const slot: Slot = { pin, failures: 0, removed: false };
    this.slots.set(key, slot);
    this.arm(slot, at);
  }

  private arm(slot: Slot, at: number): void {
    if (this.stopped || slot.removed) return;
    const jitter = at >= slot.pin.untilMs ? 0 : Math.floor(this.random() * this.jitterMs);
    const delay = Math.max(0, at - this.clock()) + jitter;
    slot.timer = this.setTimer(() => {
      slot.timer = undefined;
      slot.running = this.fire(slot).finally(() => {
        slot.running = undefined;
        this.finishing.delete(slot);
      });
    }, delay);
    slot.timer.unref?.();
  }

  private async fire(slot: Slot): Promise<void> {
    await this.acquire();
    try {
      if (slot.removed || this.stopped) return;
      // Storage is the truth: another instance may have refreshed, unpinned or changed this pin, or be
      // refreshing it right now. The claim makes this instance the only one refreshing it this period.
      const claim = await this.store.claim({
        conversationId: slot.pin.conversationId,
        activityId: slot.pin.activityId,
        by: this.instanceId,
        now: this.clock(),
        holdMs: this.claimHoldMs,
        skewMs: CLOCK_SKEW_MS,
      });
      if (claim.kind === 'gone') {
        this.drop(slot.pin.conversationId, slot.pin.activityId);
        return;
      }
      if (claim.kind === 'later') {
        this.arm(slot, claim.at);
        return;
      }
      slot.pin = claim.pin;
      const pin = slot.pin;
      const ended = this.clock() >= pin.untilMs;
      try {
        const card = await this.render(pin.commandText, pin, ended ? 'ended' : 'live');
        if (slot.removed) return; // unpinned while the command ran
        await this.deliver(pin.ref, pin.activityId, card);
        slot.failures = 0;
      } catch (err) {
        const status = statusOf(err);
        if (status === 403 || status === 404) {
          this.logger.warn('pin dropped: card can no longer be updated (message deleted or bot removed)', {
            conversationId: pin.conversationId,
            activityId: pin.activityId,
            status,
          });
          await this.forget(slot);
          return;
        }
        slot.failures++;
        this.logger.warn('pin refresh failed', {
          conversationId: pin.conversationId,
          activityId: pin.activityId,
          status,
          failures: slot.failures,
          error: errorText(err, 300),
        });
        if (slot.failures >= this.maxFailures && !ended) {
          this.logger.warn('pin dropped after repeated failures', {
            conversationId: pin.conversationId,
            activityId: pin.activityId,
          });
          await this.forget(slot);
          return;
        }
      }
      if (ended) {
        this.logger.info('pin ended', { conversationId: pin.conversationId, activityId: pin.activityId });
        await this.forget(slot);
        return;
      }
      const now = this.clock();
      pin.lastRefreshAt = now;
      await this.persistRefresh(pin).catch((err) =>
        this.logger.warn('could not record pin refresh', { error: errorText(err, 300) }),
      );
      this.arm(slot, Math.min(now + pin.everyMs, pin.untilMs));
    } finally {
      this.release();
    }
  }

  /** Records the refresh and lets go of this instance's claim, so the next period is anyone's. */
  private async persistRefresh(pin: PinRecord): Promise<void> {
    await this.store.update(pin.conversationId, (pins) =>
      pins.map((p) => {
        if (p.activityId !== pin.activityId) return p;
        const { claim, ...rest } = p;
        const kept = claim && claim.by !== this.instanceId ? { claim } : {};
        return { ...rest, ...kept, lastRefreshAt: pin.lastRefreshAt };
      }),
    );
  }

  private async forget(slot: Slot): Promise<void> {
    const { conversationId, activityId } = slot.pin;
    this.drop(conversationId, activityId);
    await this.store
      .update(conversationId, (pins) => pins.filter((p) => p.activityId !== activityId))
      .catch((err) =>
        this.logger.error('could not remove pin from storage', { conversationId, error: errorText(err, 300) }),
      );
  }

  private drop(conversationId: string, activityId: string): void {
    const key = slotKey(conversationId, activityId);
    const slot = this.slots.get(key);
    if (!slot) return;
    slot.removed = true;
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.running) this.finishing.add(slot);
    this.slots.delete(key);
  }

  private dropConversation(conversationId: string): void {
    for (const slot of [...this.slots.values()])
      if (slot.pin.conversationId === conversationId) this.drop(conversationId, slot.pin.activityId);
  }

  private acquire(): Promise<void> {
    if (this.active < this.maxConcurrent) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(() => (this.active++, resolve())));
  }

  private release(): void {
    this.active--;
    const next = this.queue.shift();
    if (next) next();
  }
}
