/**
 * The capture connector: a loopback stand-in for the Bot Connector service that the bot replies to.
 * It records, per simulated user's command, when the bot first replied (typing), when the visible
 * acknowledgement landed (running card or a plain-text refusal), and when the final card replaced it,
 * and classifies that final card: an answer, an explained error (by its code), or something else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a command ended, read from the last card the user saw. */
type Outcome =
  | { kind: 'answer'; findings: number }
  | { kind: 'error'; code: string; title: string; what: string; explained: boolean }
  | { kind: 'refused'; text: string }
  | { kind: 'other'; title: string };

export interface CommandRecord {
  user: number;
  activityId: string;
  conversationId: string;
  text: string;
  sentAt: number;
  httpStatus?: number;
  httpMs?: number;
  /** First reply of any kind (the typing indicator). */
  firstReplyAt?: number;
  /** The visible acknowledgement: the running card, or the refusal text. */
  ackAt?: number;
  cardId?: string;
  answeredAt?: number;
  outcome?: Outcome;
  /** A transport failure on the script's side (HTTP error, no answer before the script stopped). */
  failure?: string;
  done: () => void;
}

interface CardJson {
  refresh?: unknown;
  body?: { type?: string; text?: string; color?: string; size?: string; items?: { text?: string }[] }[];
}

/** Reads the kind of a final card the way a person would: the red title + "Code X" footer is an error card. */
function classifyCard(card: CardJson | undefined): Outcome {
  const body = card?.body ?? [];
  const first = body[0];
  const title = first?.text ?? '';
  if (first?.color === 'Attention') {
    const footer = [...body].reverse().find((b) => b.type === 'TextBlock' && /\bCode \w+/.test(b.text ?? ''));
    const code = /\bCode (\w+)/.exec(footer?.text ?? '')?.[1] ?? 'unknown';
    const what = body[1]?.text ?? '';
    // "Explained" = it names the problem and says more than a generic crash would.
    const explained = title.length > 0 && what.length > 0 && code !== 'InternalError' && code !== 'unknown';
    return { kind: 'error', code, title, what, explained };
  }
  if (card?.refresh !== undefined || first?.size === 'Large') {
    // Each ranked finding is a top-level Container whose first item is its ColumnSet row (cards/answer.json).
    const findings = body.filter(
      (b) => b.type === 'Container' && (b.items?.[0] as { type?: string } | undefined)?.type === 'ColumnSet',
    ).length;
    return { kind: 'answer', findings };
  }
  return { kind: 'other', title: title.slice(0, 80) };
}

export class Capture {
  private server?: Server;
  serviceUrl = '';
  /** The command each conversation is waiting on (a simulated user sends one at a time). */
  readonly byConversation = new Map<string, CommandRecord>();
  private readonly byCard = new Map<string, CommandRecord>();
  private seq = 0;
  /** Calls that matched no waiting command (late answers after the script gave up, etc.). */
  unmatched = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    // Many sockets from the bot's connector client: do not let idle keep-alive hold close() open.
    this.server.keepAliveTimeout = 2_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.serviceUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  stop(): Promise<void> {
    return new Promise((r) => {
      if (!this.server) return r();
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }

  /** Forget what a finished mode left behind, so memory is not held by the connector between modes. */
  clear(): void {
    this.byConversation.clear();
    this.byCard.clear();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
      let body: { type?: string; text?: string; attachments?: { content?: CardJson }[] } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof body;
      } catch {
        /* counted as unmatched below */
      }
      const conversation = m?.[1] ? decodeURIComponent(m[1]) : undefined;
      const target = m?.[2] ? decodeURIComponent(m[2]) : undefined;
      const id = `cap-${++this.seq}`;
      const rec = conversation ? this.byConversation.get(conversation) : undefined;
      const card = body.attachments?.[0]?.content;
      if (!rec) this.unmatched++;
      else if (req.method === 'PUT' && target && this.byCard.get(target) === rec) this.final(rec, card, now);
      else if (req.method === 'POST') {
        rec.firstReplyAt ??= now;
        if (body.type === 'message' && card) {
          if (!rec.cardId) {
            rec.cardId = id;
            rec.ackAt ??= now;
            this.byCard.set(id, rec);
          } else {
            // The bot could not update the running card and posted the answer as a new message.
            this.final(rec, card, now);
          }
        } else if (body.type === 'message' && body.text) {
          // A plain-text reply instead of a card: the rate limit or an access refusal.
          rec.ackAt ??= now;
          rec.answeredAt = now;
          rec.outcome = { kind: 'refused', text: body.text.slice(0, 160) };
          rec.done();
        }
      } else this.unmatched++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id }));
    });
  }

  private final(rec: CommandRecord, card: CardJson | undefined, now: number): void {
    if (rec.answeredAt !== undefined) return;
    rec.answeredAt = now;
    rec.outcome = classifyCard(card);
    if (rec.cardId) this.byCard.delete(rec.cardId);
    rec.done();
  }
}
