/**
 * What every part of the Teams host shares: the options, access and rate-limit checks, signing, and the
 * acknowledge-then-answer-out-of-band flow. Commands are acknowledged inside the turn and answered out of band:
 * Teams gives a turn 10-15 s, CloudAdapter holds the HTTP response until the turn ends, and a Log Analytics
 * query can take longer than that. Card actions (cardActionBot.ts) and messages and pins (triageBot.ts) build on it.
 */
import { TeamsActivityHandler, TurnContext, type ConversationReference } from 'botbuilder';
import type { Answer, ErrorAnswer } from '../answer';
import type { Command } from '../commands/types';
import { cardAttachment, renderReply, renderRunningCard, CARD_BUDGET_BYTES, type AdaptiveCard } from '../cards';
import { errorText } from '../redact';
import { botWaitMs } from '../timeouts';
import type { PortalTarget } from '../cards/portalLink';
import { requesterOf, timeZoneOf } from './activity';
import { decide, openAccessPolicy, refusalMessage, type AccessPolicy } from './access';
import { signCardActions, signingKey, type SigningKey } from './actionData';
import { AuditLog, type AuditInput } from './audit';
import { RateLimiter } from './rateLimit';
import { teamsContextOf, type TeamsContext } from './teamsContext';
import { silentLogger, type Logger, type Triage } from './ports';
import { runWithDeadline } from './runCommand';
import { OutOfBand } from './outOfBand';
import type { PinManager } from './pins';

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

export interface Asker {
  name?: string;
  aadObjectId?: string;
  timeZone?: string;
  teams: TeamsContext;
  /** The Log Analytics workspace the access policy maps this team/channel/chat to (WORKSPACE_MAP). */
  workspaceId?: string;
}

const KQL_CACHE_SIZE = 50;

export abstract class BotCore extends TeamsActivityHandler {
  protected readonly triage: Triage;
  private readonly adapter: ProactiveAdapter;
  private readonly appId: string;
  private readonly logger: Logger;
  protected readonly now: () => Date;
  private readonly answerTimeoutMs: number;
  protected readonly invokeWaitMs: number;
  protected readonly portal?: PortalTarget;
  private readonly background = new OutOfBand((err) =>
    this.logger.error('background answer failed', { error: describe(err) }),
  );
  /** command text -> KQL of its last answer, for "showKql" without re-running. */
  protected readonly kqlByCommand = new Map<string, string>();
  private readonly access: AccessPolicy;
  protected readonly key: SigningKey;
  private readonly limiter: RateLimiter;
  protected readonly audit: AuditLog;
  protected readonly maxCommandLength: number;

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

  protected track(work: Promise<void>): void {
    this.background.track(work);
  }

  protected asker(ctx: TurnContext): Asker {
    const teams = teamsContextOf(ctx.activity);
    return { ...requesterOf(ctx.activity), timeZone: timeZoneOf(ctx.activity) ?? teams.timeZone, teams };
  }

  /** Tenant/team/channel/user rules, checked before anything runs; undefined when allowed. */
  protected refusal(asker: Asker, event: AuditInput['event'], verb?: string): string | undefined {
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
  protected overLimit(asker: Asker, command: Command): { message: string; notify: boolean } | undefined {
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

  protected sign(card: AdaptiveCard): AdaptiveCard {
    return signCardActions(card, this.key);
  }

  /**
   * Ack in the turn (typing + running card), answer out of band by replacing that card. Over the limit,
   * `notRun` is what a button's private answer says: where the notice is, or (silenced) the limit itself.
   */
  protected async startCommand(
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

  protected async execute(command: Command, asker: Asker, reference: string): Promise<Answer | ErrorAnswer> {
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
  protected async deliver(
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

  private rememberKql(commandText: string, kql: string): void {
    this.kqlByCommand.delete(commandText);
    this.kqlByCommand.set(commandText, kql);
    if (this.kqlByCommand.size > KQL_CACHE_SIZE)
      this.kqlByCommand.delete(this.kqlByCommand.keys().next().value as string);
  }

  protected renderOpts(asker: Asker) {
    // The renderer keeps room for the ~70 bytes signing adds to each button: the signed card stays within 25 KB.
    return {
      now: this.now(),
      timeZone: asker.timeZone,
      portal: this.portal,
      budgetBytes: CARD_BUDGET_BYTES,
    };
  }

  protected async sendCard(ctx: TurnContext, card: AdaptiveCard) {
    return ctx.sendActivity({ type: 'message', attachments: [cardAttachment(this.sign(card))] });
  }
}

/** Error text for logs: name and message only (stacks can carry request data), secrets redacted. */
export function describe(err: unknown): string {
  return errorText(err, 500);
}
