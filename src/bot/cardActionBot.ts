/**
 * The card buttons of the Teams host: an Action.Execute invoke or an Action.Submit message, verified, parsed and
 * routed by verb (drill, showKql, refresh) to one handler each.
 */
import { TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import type { Answer, ErrorAnswer } from '../answer';
import { renderKqlCard, renderReply, renderRunningCard } from '../cards';
import { parseActionData, type ActionVerb } from './activity';
import { verifyCardAction } from './actionData';
import {
  invokeCard,
  invokeError,
  invokeMessage,
  type ActionEntry,
  type ActionReply,
  type CardAction,
} from './cardActions';
import { BotCore, type Asker } from './botCore';

type VerbHandler = (ctx: TurnContext, action: CardAction, asker: Asker) => Promise<ActionReply>;

export abstract class CardActionBot extends BotCore {
  /** The one route per card verb, shared by Action.Execute invokes and Action.Submit messages. */
  private readonly verbs: Record<ActionVerb, VerbHandler> = {
    drill: (ctx, action, asker) => this.drill(ctx, action, asker),
    showKql: (ctx, action, asker) => this.showKql(ctx, action, asker),
    refresh: (ctx, action, asker) => this.refresh(ctx, action, asker),
  };

  protected override async onAdaptiveCardInvoke(
    ctx: TurnContext,
    value: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const entry = { automatic: (value as { trigger?: string }).trigger === 'automatic', waitMs: this.invokeWaitMs };
    const reply = await this.cardAction(ctx, this.asker(ctx), value.action?.verb, value.action?.data, entry);
    switch (reply.kind) {
      case 'card':
        return invokeCard(this.sign(reply.card));
      case 'post':
        await this.sendCard(ctx, reply.card);
        return invokeMessage(reply.note);
      case 'started':
        return invokeMessage(reply.note);
      case 'text':
        return invokeMessage(reply.text);
      case 'refused':
        return invokeError(400, 'BadRequest', reply.text);
    }
  }

  /** Action.Submit: the same route; there is no response to hold, so every reply is a message. */
  protected async handleSubmit(ctx: TurnContext, value: unknown, asker: Asker): Promise<void> {
    const reply = await this.cardAction(ctx, asker, undefined, value, { automatic: false, waitMs: 0 });
    switch (reply.kind) {
      case 'card':
      case 'post':
        await this.sendCard(ctx, reply.card);
        return;
      case 'started':
        return;
      case 'text':
      case 'refused':
        await ctx.sendActivity(reply.text);
        return;
    }
  }

  /**
   * Access check, signature check and parsing, once for both entry points, then the verb's handler.
   * `verb` is the invoke's own verb (Action.Execute sends it beside the data); it must match the signed one.
   */
  private async cardAction(
    ctx: TurnContext,
    asker: Asker,
    verb: unknown,
    data: unknown,
    entry: ActionEntry,
  ): Promise<ActionReply> {
    const shownVerb = typeof verb === 'string' ? verb : undefined;
    const refused = this.refusal(asker, 'action', shownVerb);
    if (refused) return { kind: 'text', text: refused };
    // Only data this bot signed is acted on: anyone in the conversation can craft an action.
    const verified = verifyCardAction(verb, data, this.key);
    if (!verified.ok) {
      this.audit.record({
        event: 'action',
        ctx: asker.teams,
        verb: shownVerb,
        outcome: 'refused',
        detail: verified.code,
      });
      return { kind: 'refused', text: `This card action was refused: ${verified.reason}` };
    }
    const action = parseActionData(verified.data.verb, verified.data);
    if (!action.ok) return { kind: 'refused', text: action.error };
    const outcome = this.triage.parse(action.command, { now: this.now(), timeZone: asker.timeZone });
    if (!outcome.ok || outcome.command.kind === 'help') {
      const help = outcome.ok ? this.triage.help() : this.triage.help(outcome.error, outcome.suggestions);
      const card = renderReply(help, this.renderOpts(asker));
      // A drill button sits on an answer; help goes below it rather than in its place.
      return action.verb === 'drill' ? { kind: 'post', card, note: 'Help is below.' } : { kind: 'card', card };
    }
    return this.verbs[action.verb](ctx, { ...entry, verb: action.verb, command: outcome.command }, asker);
  }

  /** A new running card in the thread, replaced by the answer. */
  private async drill(ctx: TurnContext, { command }: CardAction, asker: Asker): Promise<ActionReply> {
    const started = await this.startCommand(ctx, command, asker);
    return {
      kind: 'started',
      note: 'notRun' in started ? started.notRun : `Running "${command.text}"; the answer appears below.`,
    };
  }

  /** The KQL of the card's answer: from the cache when the answer is recent, else by running the command. */
  private async showKql(ctx: TurnContext, { command, waitMs }: CardAction, asker: Asker): Promise<ActionReply> {
    const cached = this.kqlByCommand.get(command.text);
    if (cached !== undefined) return { kind: 'card', card: renderKqlCard(`KQL for "${command.text}"`, cached) };
    const limited = this.overLimit(asker, command);
    if (limited) return limitedReply(limited);
    const work = this.execute(command, asker, ctx.activity.id ?? 'unknown');
    const reply = await this.within(work, waitMs);
    if (!reply) {
      // The answer still lands in the cache, so the next press shows its KQL.
      this.track(work.then(() => undefined));
      return { kind: 'text', text: 'The query is still running; press "Full KQL" again in a moment.' };
    }
    if (reply.type === 'answer') return { kind: 'card', card: renderKqlCard(`KQL for "${command.text}"`, reply.kql) };
    return { kind: 'card', card: renderReply(reply, this.renderOpts(asker)) };
  }

  /**
   * Re-runs the card's command. With time to wait (an invoke), answers with the new card when it is ready
   * in time, else with the running card, and replaces the message once the answer arrives; a manual
   * refresh also updates the message itself so everyone (and a pinned copy) sees the new answer. With no
   * time to wait (Action.Submit), the running card replaces the message at once and the answer follows.
   */
  private async refresh(ctx: TurnContext, action: CardAction, asker: Asker): Promise<ActionReply> {
    const { command, automatic, waitMs } = action;
    const messageId = ctx.activity.replyToId;
    if (waitMs <= 0) {
      const started = await this.startCommand(ctx, command, asker, messageId);
      return { kind: 'started', note: 'notRun' in started ? started.notRun : `Refreshing "${command.text}".` };
    }
    const limited = this.overLimit(asker, command);
    if (limited) return limitedReply(limited);
    const ref = TurnContext.getConversationReference(ctx.activity);
    const work = this.execute(command, asker, ctx.activity.id ?? 'unknown');
    const reply = await this.within(work, waitMs);
    if (reply) {
      const card = renderReply(reply, this.renderOpts(asker));
      if (!automatic && messageId) this.track(this.deliver(ref, messageId, card));
      return { kind: 'card', card };
    }
    this.track(work.then((r) => this.deliver(ref, messageId, renderReply(r, this.renderOpts(asker)))));
    return { kind: 'card', card: renderRunningCard(command, this.now()) };
  }

  /** The reply if it arrives within `waitMs`, else undefined (the work keeps going). */
  private async within(work: Promise<Answer | ErrorAnswer>, waitMs: number): Promise<Answer | ErrorAnswer | undefined> {
    if (waitMs <= 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)));
    try {
      return await Promise.race([work, wait]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * A refused card action: the refusal for the person who pressed. After the window's first notice it is
 * only the invoke's private note ("started" posts nothing), so Action.Submit cannot flood the conversation.
 */
function limitedReply(limited: { message: string; notify: boolean }): ActionReply {
  return limited.notify ? { kind: 'text', text: limited.message } : { kind: 'started', note: limited.message };
}
