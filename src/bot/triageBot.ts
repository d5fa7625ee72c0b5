/**
 * The Teams host. Thin: turns activities into Triage calls and replies into cards. Commands are
 * acknowledged inside the turn and answered out of band: Teams gives a turn 10-15 s, CloudAdapter holds
 * the HTTP response until the turn ends, and a Log Analytics query can take longer than that.
 */
import {
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationReference,
} from 'botbuilder';
import type { Answer, BotReply, ErrorAnswer } from '../answer';
import type { Command } from '../commands/types';
import {
  cardAttachment,
  renderKqlCard,
  renderReply,
  renderRunningCard,
  RENDER_BUDGET_BYTES,
  type AdaptiveCard,
} from '../cards';
import { errorText } from '../redact';
import { botWaitMs } from '../timeouts';
import type { PortalTarget } from '../cards/portalLink';
import { commandTextOf, parseActionData, requesterOf, timeZoneOf, type ActionVerb } from './activity';
import { decide, openAccessPolicy, refusalMessage, type AccessPolicy } from './access';
import { signCardActions, signingKey, verifyCardAction, type SigningKey } from './actionData';
import {
  invokeCard,
  invokeError,
  invokeMessage,
  type ActionEntry,
  type ActionReply,
  type CardAction,
} from './cardActions';
import { AuditLog, type AuditInput } from './audit';
import { checkInputLength, RateLimiter } from './rateLimit';
import { teamsContextOf, type TeamsContext } from './teamsContext';
import { silentLogger, type Logger, type Triage } from './ports';
import { runWithDeadline } from './runCommand';
import { OutOfBand } from './outOfBand';
import {
  isPinText,
  parsePinCommand,
  PinLimitError,
  pinListText,
  pinnedText,
  unpinnedText,
  type PinManager,
} from './pins';

/** The part of CloudAdapter the bot needs for proactive updates. */
export interface ProactiveAdapter {
  continueConversationAsync(
    appId: string,
    reference: Partial<ConversationReference>,
    logic: (ctx: TurnContext) => Promise<void>,
  ): Promise<void>;
}

export interface TriageBotOptions {
  triage: Triage;
  adapter: ProactiveAdapter;
  /** MicrosoftAppId ('' when running unauthenticated). */
  appId: string;
  logger?: Logger;
  now?: () => Date;
  /** Give up on an answer after this long (default: botWaitMs() in src/timeouts.ts). */
  answerTimeoutMs?: number;
  /** How long a card action may wait for an answer before it returns "running" and finishes out of band. */
  invokeWaitMs?: number;
  /** Target of the per-answer "Open in Log Analytics" button (Log Analytics source only). */
  portal?: PortalTarget;
  /** Who may use the bot where (tenants, teams, channels, users). Default: open. */
  access?: AccessPolicy;
  /** Signs the {verb, command} data on every card button; a random per-process key when absent. */
  signingKey?: SigningKey;
  rateLimiter?: RateLimiter;
  /** Who ran what; default: one "audit" line per event through the logger. */
  audit?: AuditLog;
  /** Longest message accepted as a command (default 500 characters). */
  maxCommandLength?: number;
  /** Keeps pinned cards current (`pin triage last 15m every 5m`); pinning is off without it. */
  pins?: PinManager;
}

interface Asker {
  name?: string;
  aadObjectId?: string;
  timeZone?: string;
  teams: TeamsContext;
  /** The Log Analytics workspace the access policy maps this team/channel/chat to (WORKSPACE_MAP). */
  workspaceId?: string;
}

const KQL_CACHE_SIZE = 50;

type VerbHandler = (ctx: TurnContext, action: CardAction, asker: Asker) => Promise<ActionReply>;

export class TriageBot extends TeamsActivityHandler {
  private readonly triage: Triage;
  private readonly adapter: ProactiveAdapter;
  private readonly appId: string;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly answerTimeoutMs: number;
  private readonly invokeWaitMs: number;
  private readonly portal?: PortalTarget;
  private readonly background = new OutOfBand((err) =>
    this.logger.error('background answer failed', { error: describe(err) }),
  );
  /** command text -> KQL of its last answer, for "showKql" without re-running. */
  private readonly kqlByCommand = new Map<string, string>();
  private readonly access: AccessPolicy;
  private readonly key: SigningKey;
  private readonly limiter: RateLimiter;
  private readonly audit: AuditLog;
  private readonly maxCommandLength: number;
  private readonly pins?: PinManager;
  /** The one route per card verb, shared by Action.Execute invokes and Action.Submit messages. */
  private readonly verbs: Record<ActionVerb, VerbHandler> = {
    drill: (ctx, action, asker) => this.drill(ctx, action, asker),
    showKql: (ctx, action, asker) => this.showKql(ctx, action, asker),
    refresh: (ctx, action, asker) => this.refresh(ctx, action, asker),
  };

  constructor(opts: TriageBotOptions) {
    super();
    this.triage = opts.triage;
    this.adapter = opts.adapter;
    this.appId = opts.appId;
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? (() => new Date());
    this.answerTimeoutMs = opts.answerTimeoutMs ?? botWaitMs();
    this.invokeWaitMs = opts.invokeWaitMs ?? 8_000;
    this.portal = opts.portal;
    this.access = opts.access ?? openAccessPolicy();
    this.key = opts.signingKey ?? signingKey();
    this.limiter = opts.rateLimiter ?? new RateLimiter();
    this.audit =
      opts.audit ?? new AuditLog({ sink: (line) => this.logger.info('audit', { record: JSON.parse(line) }) });
    this.maxCommandLength = opts.maxCommandLength ?? 500;
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

  /** Number of answers still being worked on out of band. */
  get inFlight(): number {
    return this.background.size;
  }

  /** Resolves when every out-of-band answer has been delivered (tests, graceful shutdown). */
  idle(): Promise<void> {
    return this.background.idle();
  }

  /**
   * Graceful shutdown: lets answers in flight land for up to `graceMs`, then cancels the rest, each
   * still ending in a card that says the bot restarted. Bounded: resolves within graceMs + settleMs.
   */
  drain(graceMs: number, settleMs = 5_000): Promise<{ finished: number; cancelled: number }> {
    return this.background.drain(graceMs, settleMs);
  }

  private track(work: Promise<void>): void {
    this.background.track(work);
  }

  private asker(ctx: TurnContext): Asker {
    const teams = teamsContextOf(ctx.activity);
    return { ...requesterOf(ctx.activity), timeZone: timeZoneOf(ctx.activity) ?? teams.timeZone, teams };
  }

  /** Tenant/team/channel/user rules, checked before anything runs; undefined when allowed. */
  private refusal(asker: Asker, event: AuditInput['event'], verb?: string): string | undefined {
    const decision = decide(this.access, asker.teams);
    if (decision.allowed) {
      asker.workspaceId = decision.workspaceId;
      return undefined;
    }
    this.audit.record({ event, ctx: asker.teams, verb, outcome: 'refused', detail: decision.reason });
    return refusalMessage(decision);
  }

  /**
   * Spends one command from the user's and conversation's budget; when over it, the refusal (whose
   * `notify` says whether this is the window's first, the only one posted to the conversation).
   */
  private overLimit(asker: Asker, command: Command): { message: string; notify: boolean } | undefined {
    const d = this.limiter.take({
      userId: asker.teams.userAadObjectId ?? asker.name,
      conversationId: asker.teams.conversationId,
    });
    if (d.ok) return undefined;
    this.audit.record({
      event: 'rate-limited',
      ctx: asker.teams,
      kind: command.kind,
      text: command.text,
      outcome: 'rate-limited',
      detail: d.notify ? d.message : `silent (notice already given): ${d.message}`,
    });
    return d;
  }

  private sign(card: AdaptiveCard): AdaptiveCard {
    return signCardActions(card, this.key);
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
        budgetBytes: RENDER_BUDGET_BYTES - 300,
      }),
    );
  }

  /**
   * Ack in the turn (typing + running card), answer out of band by replacing that card. Over the limit,
   * `notRun` is what a button's private answer says: where the notice is, or (silenced) the limit itself.
   */
  private async startCommand(
    ctx: TurnContext,
    command: Command,
    asker: Asker,
    replaceId?: string,
  ): Promise<{ notRun: string } | { cardId?: string }> {
    const limited = this.overLimit(asker, command);
    if (limited) {
      if (!limited.notify) return { notRun: limited.message };
      await ctx.sendActivity(limited.message);
      return { notRun: 'Not run: see the message below.' };
    }
    await ctx.sendActivity({ type: 'typing' });
    const running = this.sign(renderRunningCard(command, this.now()));
    let cardId = replaceId;
    if (cardId) {
      await ctx.updateActivity({ type: 'message', id: cardId, attachments: [cardAttachment(running)] });
    } else {
      cardId = (await this.sendCard(ctx, running))?.id;
    }
    // Keeps the ";messageid=" thread id of a channel conversation, so the answer lands in the same thread.
    const ref = TurnContext.getConversationReference(ctx.activity);
    this.track(this.answerInPlace(ref, cardId, command, asker, ctx.activity.id ?? 'unknown'));
    return { cardId };
  }

  private async answerInPlace(
    ref: Partial<ConversationReference>,
    cardId: string | undefined,
    command: Command,
    asker: Asker,
    reference: string,
  ): Promise<void> {
    const reply = await this.execute(command, asker, reference);
    await this.deliver(ref, cardId, renderReply(reply, this.renderOpts(asker)));
  }

  private async execute(command: Command, asker: Asker, reference: string): Promise<Answer | ErrorAnswer> {
    const started = Date.now();
    const reply = await runWithDeadline(this.triage, command, {
      requestedBy: asker.name,
      workspaceId: asker.workspaceId,
      timeZone: asker.timeZone,
      timeoutMs: this.answerTimeoutMs,
      shutdown: this.background.shutdown,
      logger: this.logger,
      reference,
    });
    if (reply.type === 'answer') this.rememberKql(command.text, reply.kql);
    // The audit record: who ran what, where, and how it ended.
    this.audit.record({
      event: 'command',
      ctx: asker.teams,
      kind: command.kind,
      text: command.text,
      kql: reply.kql,
      durationMs: Date.now() - started,
      outcome: reply.type === 'answer' ? 'answer' : reply.code === 'Timeout' ? 'timeout' : 'error',
      errorCode: reply.type === 'error' ? reply.code : undefined,
    });
    return reply;
  }

  /** Replaces the card with id `cardId`; if the update is refused (message deleted, id lost), posts it instead. */
  private async deliver(
    ref: Partial<ConversationReference>,
    cardId: string | undefined,
    unsigned: AdaptiveCard,
  ): Promise<void> {
    const card = this.sign(unsigned);
    await this.adapter.continueConversationAsync(this.appId, ref, async (ctx) => {
      if (cardId) {
        try {
          await ctx.updateActivity({ type: 'message', id: cardId, attachments: [cardAttachment(card)] });
          return;
        } catch (err) {
          this.logger.warn('card update failed; posting the answer as a new message', { error: describe(err) });
        }
      }
      await ctx.sendActivity({ type: 'message', attachments: [cardAttachment(card)] });
    });
  }

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
  private async handleSubmit(ctx: TurnContext, value: unknown, asker: Asker): Promise<void> {
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

  private rememberKql(commandText: string, kql: string): void {
    this.kqlByCommand.delete(commandText);
    this.kqlByCommand.set(commandText, kql);
    if (this.kqlByCommand.size > KQL_CACHE_SIZE)
      this.kqlByCommand.delete(this.kqlByCommand.keys().next().value as string);
  }

  private renderOpts(asker: Asker) {
    // Signing adds ~100 bytes per button after rendering; keep that inside the 40 KB card budget.
    return {
      now: this.now(),
      timeZone: asker.timeZone,
      portal: this.portal,
      budgetBytes: RENDER_BUDGET_BYTES,
    };
  }

  private async sendCard(ctx: TurnContext, card: AdaptiveCard) {
    return ctx.sendActivity({ type: 'message', attachments: [cardAttachment(this.sign(card))] });
  }
}

/**
 * A refused card action: the refusal for the person who pressed. After the window's first notice it is
 * only the invoke's private note ("started" posts nothing), so Action.Submit cannot flood the conversation.
 */
function limitedReply(limited: { message: string; notify: boolean }): ActionReply {
  return limited.notify ? { kind: 'text', text: limited.message } : { kind: 'started', note: limited.message };
}

/** Error text for logs: name and message only (stacks can carry request data), secrets redacted. */
export function describe(err: unknown): string {
  return errorText(err, 500);
}
