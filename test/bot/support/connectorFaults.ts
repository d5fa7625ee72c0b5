/**
 * A front for the capture connector that can refuse calls the way the Bot Connector service does
 * (Teams answers a reply with 403 when the bot was removed from the team, 429 when throttled, 5xx when
 * it is having a bad day). Calls without a pending fault are forwarded unchanged to the capture
 * connector, which records them; refused calls are recorded here.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CaptureConnector } from '../../support/connector/captureConnector';

export interface ConnectorFault {
  method: 'POST' | 'PUT';
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export class FaultyConnectorFront {
  readonly refused: { method: string; path: string; status: number; at: number }[] = [];
  /** Calls passed on to the capture connector, with when they arrived here. */
  readonly forwarded: { method: string; path: string; at: number }[] = [];
  private readonly pending: ConnectorFault[] = [];
  private server: http.Server | null = null;
  private port = 0;

  constructor(private readonly inner: CaptureConnector) {}

  /** The serviceUrl to put on activities: calls go through this front. */
  get serviceUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** The next call with this method is answered with the fault instead of being forwarded. */
  failNext(fault: ConnectorFault): void {
    this.pending.push(fault);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = req.url ?? '/';
    const i = this.pending.findIndex((f) => f.method === req.method);
    if (i >= 0) {
      const [fault] = this.pending.splice(i, 1);
      this.refused.push({ method: req.method!, path, status: fault.status, at: Date.now() });
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify(fault.body));
      return;
    }
    this.forwarded.push({ method: req.method!, path, at: Date.now() });
    const headers: Record<string, string> = {
      'content-type': String(req.headers['content-type'] ?? 'application/json'),
    };
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const upstream = await fetch(new URL(path.replace(/^\//, ''), this.inner.serviceUrl), {
      method: req.method,
      headers,
      body: Buffer.concat(chunks),
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(await upstream.text());
  }
}
