/**
 * Pins in botbuilder Storage: one item per conversation (`pins/<conversationId>`) plus an index item
 * listing the conversations that have pins, so start-up can find them without listing keys (Storage
 * has no list). Every change is read-modify-write with the item's eTag and retried on conflict, so two
 * instances sharing blob storage do not lose each other's pins, even when one ends a conversation's last.
 */
import type { ConversationReference, Storage } from 'botbuilder';
import { NEW_ITEM_ETAG } from '../state';

export interface PinRecord {
  conversationId: string;
  /** Conversation reference of the message that asked (keeps a channel thread's ";messageid="). */
  ref: Partial<ConversationReference>;
  /** The bot's card that is kept current. */
  activityId: string;
  commandText: string;
  everyMs: number;
  /** Epoch ms after which the pin ends (one final "ended" update). */
  untilMs: number;
  pinnedBy?: string;
  pinnedAt: number;
  lastRefreshAt?: number;
  /** IANA zone of the person who pinned, for times on the card. */
  timeZone?: string;
  /** The workspace the access policy granted when the pin was made (WORKSPACE_MAP). */
  workspaceId?: string;
  /** channelData.team.id of a channel pin: removing the bot from the team ends all its channels' pins. */
  teamId?: string;
  /** The instance refreshing this pin right now, and until when its claim holds (then anyone may take it). */
  claim?: { by: string; until: number };
}

/** What an instance may do with a pin whose refresh timer fired. */
export type ClaimOutcome =
  | { kind: 'claimed'; pin: PinRecord }
  /** Refreshed by someone else this period, or being refreshed now: look again at `at`. */
  | { kind: 'later'; at: number }
  /** Unpinned (or ended) meanwhile. */
  | { kind: 'gone' };

export interface ClaimRequest {
  conversationId: string;
  activityId: string;
  /** This instance's id. */
  by: string;
  now: number;
  /** How long the claim holds if this instance dies before finishing. */
  holdMs: number;
  /** How early a refresh may be taken (clocks of instances differ a little). */
  skewMs: number;
}

/** A channel thread id ("19:x@thread.tacv2;messageid=123") without its thread part: pins belong to the channel. */
export function baseConversationId(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i >= 0 ? conversationId.slice(0, i) : conversationId;
}

export const INDEX_KEY = 'pins/_index';
export const conversationKey = (conversationId: string): string => `pins/${conversationId}`;

const MAX_ATTEMPTS = 8;

function isConflict(err: unknown): boolean {
  const e = err as { name?: string; message?: string; statusCode?: number; code?: string } | undefined;
  return Boolean(
    e &&
    (e.name === 'EtagConflictError' ||
      e.statusCode === 412 ||
      e.code === 'ConditionNotMet' ||
      /etag/i.test(e.message ?? '')),
  );
}

export class PinStore {
  constructor(private readonly storage: Storage) {}

  async conversations(): Promise<string[]> {
    const items = await this.storage.read([INDEX_KEY]);
    const list = (items[INDEX_KEY] as { conversations?: unknown } | undefined)?.conversations;
    return Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string') : [];
  }

  async pinsOf(conversationId: string): Promise<PinRecord[]> {
    const key = conversationKey(conversationId);
    const items = await this.storage.read([key]);
    const pins = (items[key] as { pins?: unknown } | undefined)?.pins;
    return Array.isArray(pins) ? (pins as PinRecord[]).filter(isPinRecord) : [];
  }

  /**
   * Applies `change` to the conversation's pins atomically (eTag) and keeps the index in step. A conversation
   * whose last pin ends keeps an empty item rather than losing it: a delete cannot carry an eTag, so it would
   * erase a pin another instance wrote since the read, while an eTag-guarded write of "no pins" fails instead.
   */
  async update(conversationId: string, change: (pins: PinRecord[]) => PinRecord[]): Promise<PinRecord[]> {
    const key = conversationKey(conversationId);
    let hadNone = true;
    const next = await this.retry(async () => {
      const items = await this.storage.read([key]);
      const item = items[key] as { pins?: PinRecord[]; eTag?: string } | undefined;
      const before = Array.isArray(item?.pins) ? item.pins.filter(isPinRecord) : [];
      hadNone = before.length === 0;
      const pins = change(before);
      if (pins.length > 0 || before.length > 0) {
        // No stored item: create it only if it still does not exist, so a concurrent first pin is never lost.
        await this.storage.write({ [key]: { pins, eTag: item?.eTag ?? NEW_ITEM_ETAG } });
      }
      return pins;
    });
    await this.updateIndex(conversationId, next.length > 0, hadNone);
    return next;
  }

  /**
   * Takes the right to refresh a pin for this period: only when it is due (nobody refreshed it this period)
   * and nobody else holds a live claim. The claim is an eTag-guarded write, so of several instances
   * firing at once exactly one gets it; a claim left by an instance that died expires after `holdMs`.
   */
  async claim(req: ClaimRequest): Promise<ClaimOutcome> {
    const key = conversationKey(req.conversationId);
    return this.retry(async () => {
      const items = await this.storage.read([key]);
      const item = items[key] as { pins?: PinRecord[]; eTag?: string } | undefined;
      const pins = Array.isArray(item?.pins) ? item.pins.filter(isPinRecord) : [];
      const pin = pins.find((p) => p.activityId === req.activityId);
      if (!item || !pin) return { kind: 'gone' };
      const due = Math.min((pin.lastRefreshAt ?? pin.pinnedAt) + pin.everyMs, pin.untilMs);
      if (req.now < due - req.skewMs) return { kind: 'later', at: due };
      if (pin.claim && pin.claim.by !== req.by && pin.claim.until > req.now)
        return { kind: 'later', at: pin.claim.until };
      const claimed: PinRecord = { ...pin, claim: { by: req.by, until: req.now + req.holdMs } };
      const next = pins.map((p) => (p.activityId === req.activityId ? claimed : p));
      await this.storage.write({ [key]: { pins: next, eTag: item.eTag ?? NEW_ITEM_ETAG } });
      return { kind: 'claimed', pin: claimed };
    });
  }

  /** Ends every pin of the conversation; returns exactly the pins it ended (read in the same atomic change). */
  async remove(conversationId: string): Promise<PinRecord[]> {
    let removed: PinRecord[] = [];
    await this.update(conversationId, (pins) => {
      removed = pins;
      return [];
    });
    return removed;
  }

  /**
   * Adds or drops the conversation in the index. Dropping reads the index, then the pins, and writes with the
   * index's eTag; a first pin (`touch`) writes the index even when it is listed already. So a first pin that
   * lands after the pins were read as empty changes the index's eTag, the drop fails, and its retry sees it.
   */
  private async updateIndex(conversationId: string, present: boolean, touch: boolean): Promise<void> {
    await this.retry(async () => {
      const items = await this.storage.read([INDEX_KEY]);
      const item = items[INDEX_KEY] as { conversations?: string[]; eTag?: string } | undefined;
      const list = Array.isArray(item?.conversations) ? item.conversations : [];
      const has = list.includes(conversationId);
      if (!present && (!has || (await this.pinsOf(conversationId)).length > 0)) return;
      if (present && has && !touch) return;
      const conversations = present
        ? has
          ? list
          : [...list, conversationId]
        : list.filter((c) => c !== conversationId);
      await this.storage.write({ [INDEX_KEY]: { conversations, eTag: item?.eTag ?? NEW_ITEM_ETAG } });
    });
  }

  private async retry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isConflict(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }
}

function isPinRecord(p: unknown): p is PinRecord {
  const r = p as PinRecord;
  return Boolean(
    r &&
    typeof r.conversationId === 'string' &&
    typeof r.activityId === 'string' &&
    typeof r.commandText === 'string' &&
    typeof r.everyMs === 'number' &&
    typeof r.untilMs === 'number' &&
    r.ref &&
    typeof r.ref === 'object',
  );
}
