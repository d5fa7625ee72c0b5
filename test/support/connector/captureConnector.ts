/**
 * A local stand-in for the Bot Connector service (plain http on 127.0.0.1, random port). The bot's
 * serviceUrl points here; every call is recorded so tests can assert on what reached "Teams".
 * Implements only what the bot uses: reply/send (POST) and update (PUT) of activities.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedCall {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** For POST: the activity replied to (absent for a plain send); for PUT: the activity updated. */
  activityId?: string;
  /** The id the connector assigned (POST) or kept (PUT). */
  id: string;
  body: Record<string, unknown>;
  authorization?: string;
  /** Sequence number across all calls, from 1. */
  seq: number;
}

type Waiter = { match: (c: CapturedCall) => boolean; resolve: (c: CapturedCall) => void };

export class CaptureConnector {
  readonly calls: CapturedCall[] = [];
  private server: http.Server | null = null;
  private waiters: Waiter[] = [];
  private nextId = 1;
  private port = 0;
  /** When set, PUT (update) answers 404 ActivityNotFoundInConversation, as Teams sometimes does. */
  failUpdates = false;

  get serviceUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Messages and typing activities sent (POST), in order. */
  get sent(): CapturedCall[] {
    return this.calls.filter((c) => c.method === 'POST');
  }

  get updates(): CapturedCall[] {
    return this.calls.filter((c) => c.method === 'PUT');
  }

  /** Resolves with the first recorded call (past or future) that matches. */
  waitFor(match: (c: CapturedCall) => boolean): Promise<CapturedCall> {
    const seen = this.calls.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** The nth (1-based) POSTed activity. */
  waitForSent(n: number): Promise<CapturedCall> {
    return this.waitFor((c) => c.method === 'POST' && this.sent.indexOf(c) === n - 1);
  }

  /** The first update of the given activity id. */
  waitForUpdate(activityId: string): Promise<CapturedCall> {
    return this.waitFor((c) => c.method === 'PUT' && c.activityId === activityId);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // /v3/conversations/{conv}/activities[/{id}]; the conversation id arrives URL-encoded.
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?\/?(?:\?.*)?$/.exec(req.url ?? '');
      const method = req.method === 'PUT' ? 'PUT' : req.method === 'POST' ? 'POST' : null;
      if (!m || !method || (method === 'PUT' && !m[2])) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NotFound', message: `${req.method} ${req.url}` } }));
        return;
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const activityId = m[2] ? decodeURIComponent(m[2]) : undefined;
      const id = method === 'PUT' ? activityId! : `captured-${this.nextId++}`;
      const call: CapturedCall = {
        method,
        conversationId: decodeURIComponent(m[1]),
        activityId,
        id,
        body,
        authorization: req.headers.authorization,
        seq: this.calls.length + 1,
      };
      this.calls.push(call);
      if (method === 'PUT' && this.failUpdates) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { code: 'ActivityNotFoundInConversation', message: 'Conversation or activity not found' },
          }),
        );
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id }));
      }
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(call)) return true;
        w.resolve(call);
        return false;
      });
    });
  }
}

/** The Adaptive Card inside a captured message, if any. */
export function cardOf(call: CapturedCall): Record<string, unknown> | undefined {
  const atts = call.body.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined;
  return atts?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}
