/**
 * The Teams host. Thin: turns messages into Triage calls and replies into cards, keeps pinned cards current, and
 * answers card buttons through CardActionBot. Commands are acknowledged inside the turn and answered out of band
 * (BotCore).
 */
import { TurnContext } from 'botbuilder';
import type { BotReply } from '../answer';
import { renderReply, CARD_BUDGET_BYTES, type AdaptiveCard } from '../cards';
import { commandTextOf } from './activity';
import { checkInputLength } from './rateLimit';
import {
  isPinText,
  parsePinCommand,
  PinLimitError,
  pinListText,
  pinnedText,
  unpinnedText,
  type PinManager,
} from './pins';
import type { Asker, TriageBotOptions } from './botCore';
import { CardActionBot } from './cardActionBot';

export { describe, type TriageBotOptions } from './botCore';

export class TriageBot extends CardActionBot {
  private readonly pins?: PinManager;

  constructor(opts: TriageBotOptions) {
    super(opts);
    this.pins = opts.pins;
    this.onMessage(async (ctx, next) => {
      await this.handleMessage(ctx);
      await next();
    });
    // Removed from a team or chat: its pinned cards can no longer be updated, so stop refreshing them.
    this.onMembersRemoved(async (ctx, next) => {
      const a = ctx.activity;
      if (this.pins && a.membersRemoved?.some((m) => m.id === a.recipient?.id)) {
        const teamId = (a.channelData as { team?: { id?: string } } | undefined)?.team?.id;
        await this.pins.forgetConversation(teamId ?? a.conversation.id);
      }
      await next();
    });
  }

  private async handleMessage(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    const asker = this.asker(ctx);
    // Action.Submit is the fallback older clients use for Action.Execute: same data, as a message.
    if (!a.text && a.value && typeof a.value === 'object') {
      await this.handleSubmit(ctx, a.value, asker);
      return;
    }
    const refused = this.refusal(asker, 'command');
    if (refused) {
      await ctx.sendActivity(refused);
      return;
    }
    const text = commandTextOf(a);
    const length = checkInputLength(text, this.maxCommandLength);
    if (!length.ok) {
      await ctx.sendActivity(length.message);
      return;
    }
    if (!text) {
      await this.sendCard(ctx, renderReply(this.triage.help(), this.renderOpts(asker)));
      return;
    }
    if (this.pins && isPinText(text)) {
      await this.handlePin(ctx, text, asker, this.pins);
      return;
    }
    const outcome = this.triage.parse(text, { now: this.now(), timeZone: asker.timeZone });
    if (!outcome.ok) {
      this.audit.record({ event: 'command', ctx: asker.teams, text, outcome: 'parse-error', detail: outcome.error });
      await this.sendCard(
        ctx,
        renderReply(this.triage.help(outcome.error, outcome.suggestions), this.renderOpts(asker)),
      );
      return;
    }
    if (outcome.command.kind === 'help') {
      await this.sendCard(ctx, renderReply(this.triage.help(), this.renderOpts(asker)));
      return;
    }
    await this.startCommand(ctx, outcome.command, asker);
  }

  /** `pin <command> [every 5m] [for 4h]`, `unpin [all]`, `pins`: the first card is an ordinary answer the manager keeps current. */
  private async handlePin(ctx: TurnContext, text: string, asker: Asker, pins: PinManager): Promise<void> {
    const conversationId = ctx.activity.conversation.id;
    // A pin's schedule and lifetime run on the wall clock (the pin manager's), even when commands are read
    // against a pinned clock (the demo, tests): "for 4h" means four real hours.
    const pc = parsePinCommand(text, { now: new Date(), timeZone: asker.timeZone })!;
    if ('error' in pc) {
      this.audit.record({ event: 'command', ctx: asker.teams, text, outcome: 'parse-error', detail: pc.error });
      await this.sendCard(ctx, renderReply(this.triage.help(pc.error, pc.suggestions), this.renderOpts(asker)));
      return;
    }
    if (pc.kind === 'list') {
      await ctx.sendActivity(pinListText(await pins.list(conversationId)));
      return;
    }
    if (pc.kind === 'unpin') {
      await ctx.sendActivity(
        unpinnedText(pc.all ? await pins.unpinAll(conversationId) : await pins.unpin(conversationId)),
      );
      return;
    }
    const outcome = this.triage.parse(pc.commandText, { now: this.now(), timeZone: asker.timeZone });
    if (!outcome.ok) {
      await this.sendCard(
        ctx,
        renderReply(this.triage.help(outcome.error, outcome.suggestions), this.renderOpts(asker)),
      );
      return;
    }
    const started = await this.startCommand(ctx, outcome.command, asker);
    if ('notRun' in started || !started.cardId) return;
    try {
      const pin = await pins.pin({
        conversationId,
        ref: TurnContext.getConversationReference(ctx.activity),
        activityId: started.cardId,
        commandText: pc.commandText,
        everyMs: pc.everyMs,
        untilMs: pc.untilMs,
        pinnedBy: asker.name,
        timeZone: asker.timeZone,
        workspaceId: asker.workspaceId,
        teamId: asker.teams.teamId,
      });
      this.audit.record({ event: 'command', ctx: asker.teams, kind: outcome.command.kind, text, outcome: 'pinned' });
      await ctx.sendActivity(pinnedText(pin));
    } catch (err) {
      if (!(err instanceof PinLimitError)) throw err;
      await ctx.sendActivity(err.message);
    }
  }

  /** A refreshed pinned card: rendered and signed like any answer, with room left for the live footer. */
  renderPinCard(reply: BotReply, timeZone?: string): AdaptiveCard {
    return this.sign(
      renderReply(reply, {
        now: this.now(),
        timeZone,
        portal: this.portal,
        budgetBytes: CARD_BUDGET_BYTES - 300,
      }),
    );
  }
}
