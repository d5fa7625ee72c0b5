/** The glue between PinManager and the Teams host: the "Live: ..." footer and in-place delivery. */
import type { ConversationReference, TurnContext } from 'botbuilder';
import { cardAttachment, type AdaptiveCard } from '../../cards/render';
import { hhmm, isValidTimeZone } from '../../commands/time';
import type { BotReply } from '../../answer';
import { botWaitMs } from '../../timeouts';
import { runWithDeadline } from '../runCommand';
import { silentLogger, type Logger, type Triage } from '../ports';
import type { Deliver, PinPhase, RenderPin } from './pinManager';
import type { PinRecord } from './pinStore';

/** "Live: updated 14:32 UTC, every 5 min until 18:30 UTC" / "Live updates ended at 18:30 UTC". */
export function liveFooter(
  pin: Pick<PinRecord, 'everyMs' | 'untilMs' | 'timeZone'>,
  now: number,
  phase: PinPhase,
): string {
  const { tz, label } = zoneOf(pin);
  const at = (ms: number) => `${hhmm(new Date(ms), tz)} ${label}`;
  if (phase === 'ended')
    return `Live updates ended at ${at(Math.min(now, pin.untilMs))}; this card no longer refreshes.`;
  return `Live: updated ${at(now)}, every ${everyText(pin.everyMs)} until ${at(pin.untilMs)}`;
}

function zoneOf(pin: Pick<PinRecord, 'timeZone'>): { tz: string; label: string } {
  const tz = pin.timeZone && isValidTimeZone(pin.timeZone) ? pin.timeZone : 'UTC';
  return { tz, label: tz };
}

function everyText(everyMs: number): string {
  const mins = Math.round(everyMs / 60_000);
  return mins >= 60 && mins % 60 === 0 ? `${mins / 60} h` : `${mins} min`;
}

/** The chat reply after a successful pin. */
export function pinnedText(pin: Pick<PinRecord, 'commandText' | 'everyMs' | 'untilMs' | 'timeZone'>): string {
  const { tz, label } = zoneOf(pin);
  return (
    `Live: the card above re-runs "${pin.commandText}" every ${everyText(pin.everyMs)} until ${hhmm(new Date(pin.untilMs), tz)} ${label}. ` +
    'Pin the message in Teams to keep it in view; type "unpin" to stop it.'
  );
}

/** The reply to "pins". */
export function pinListText(
  pins: Pick<PinRecord, 'commandText' | 'everyMs' | 'untilMs' | 'timeZone' | 'pinnedBy'>[],
): string {
  if (pins.length === 0) return 'No live cards in this conversation. Try "pin triage last 15m every 5m".';
  const lines = pins.map((p, i) => {
    const { tz, label } = zoneOf(p);
    const by = p.pinnedBy ? `, pinned by ${p.pinnedBy}` : '';
    return `${i + 1}. "${p.commandText}": every ${everyText(p.everyMs)} until ${hhmm(new Date(p.untilMs), tz)} ${label}${by}`;
  });
  return `Live cards here:\n\n${lines.join('\n\n')}\n\n"unpin" stops the newest, "unpin all" stops them all.`;
}

/** The reply to "unpin" / "unpin all". */
export function unpinnedText(removed: Pick<PinRecord, 'commandText'>[]): string {
  if (removed.length === 0) return 'Nothing is live in this conversation, so there was nothing to unpin.';
  return `Stopped live updates of ${removed.map((p) => `"${p.commandText}"`).join(', ')}. The card keeps its last answer.`;
}

/** A copy of `card` with the footer as its last TextBlock. */
export function withFooter(card: AdaptiveCard, text: string): AdaptiveCard {
  const body: unknown[] = Array.isArray(card.body) ? card.body : [];
  return {
    ...card,
    body: [...body, { type: 'TextBlock', text, isSubtle: true, size: 'Small', wrap: true, spacing: 'Medium' }],
  };
}

/** The part of CloudAdapter proactive delivery needs (same shape as triageBot's ProactiveAdapter). */
export interface ProactiveUpdater {
  continueConversationAsync(
    appId: string,
    reference: Partial<ConversationReference>,
    logic: (ctx: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/**
 * Deliver for PinManager: replaces the card in place (PUT .../activities/<id>). Errors propagate so the
 * manager can drop pins whose message is gone (403/404); unlike an answer, a pin never re-posts.
 */
export function adapterDeliver(adapter: ProactiveUpdater, appId: string): Deliver {
  return async (ref, activityId, card) => {
    await adapter.continueConversationAsync(appId, ref, async (ctx) => {
      await ctx.updateActivity({
        type: 'message',
        id: activityId,
        attachments: [cardAttachment(card as AdaptiveCard)],
      });
    });
  };
}

export interface PinRenderDeps {
  triage: Triage;
  /** The bot's own reply -> card path (renderReply + signing), so pinned cards look like answers. */
  renderCard: (reply: BotReply, pin: PinRecord) => AdaptiveCard;
  clock?: () => number;
  /** Real time for the footer, when `clock` is pinned (default: `clock`). */
  wallClock?: () => number;
  /** Give up on one refresh after this long (default: botWaitMs() in src/timeouts.ts). */
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * RenderPin for the real bot: re-parses the pin's text at refresh time (so "last 15m" moves with the
 * clock), runs it with the bot's deadline handling, and adds the live footer. Never rejects: failures
 * become an explained error card, and the pin stays live.
 */
export function pinRender(deps: PinRenderDeps): RenderPin {
  const clock = deps.clock ?? (() => Date.now());
  const logger = deps.logger ?? silentLogger;
  return async (text, pin, phase) => {
    const now = clock();
    const parsed = deps.triage.parse(text, { now: new Date(now), timeZone: pin.timeZone });
    const reply: BotReply = parsed.ok
      ? await runWithDeadline(deps.triage, parsed.command, {
          requestedBy: pin.pinnedBy,
          workspaceId: pin.workspaceId,
          timeZone: pin.timeZone,
          timeoutMs: deps.timeoutMs ?? botWaitMs(),
          logger,
          reference: `pin:${pin.activityId}`,
        })
      : deps.triage.help(parsed.error, parsed.suggestions);
    // The footer tells real time ("updated 14:32") even when commands run on a pinned clock (the demo).
    return withFooter(deps.renderCard(reply, pin), liveFooter(pin, (deps.wallClock ?? clock)(), phase));
  };
}
