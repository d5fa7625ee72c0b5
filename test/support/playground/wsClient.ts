/**
 * A minimal WebSocket client (RFC 6455) for reading the Agents Playground's conversation stream, the
 * channel its web UI uses to receive bot messages. Node 20 has no WebSocket client, and the project
 * has no ws dependency of its own; reading text frames needs little: unmasked server frames,
 * fragmentation, ping/pong and close. Client frames (pong, close) are masked as the RFC requires.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class WsTextClient {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private listeners: ((text: string) => void)[] = [];
  private closed = false;
  /** Every text message received, in order. */
  readonly messages: string[] = [];

  private constructor(private readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  /** Opens ws://host:port/path (loopback in tests). Rejects unless the server completes the handshake. */
  static connect(url: string, timeoutMs = 10_000): Promise<WsTextClient> {
    const u = new URL(url);
    if (u.protocol !== 'ws:') return Promise.reject(new Error(`Only ws:// URLs are supported, got ${url}`));
    const key = randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: u.hostname,
        port: Number(u.port || 80),
        path: `${u.pathname}${u.search}`,
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Key': key,
          'Sec-WebSocket-Version': '13',
        },
        timeout: timeoutMs,
      });
      req.on('upgrade', (res, socket, head) => {
        const expected = createHash('sha1')
          .update(key + ACCEPT_GUID)
          .digest('base64');
        if (res.headers['sec-websocket-accept'] !== expected) {
          socket.destroy();
          reject(new Error(`WebSocket handshake with ${url} returned a wrong Sec-WebSocket-Accept`));
          return;
        }
        const client = new WsTextClient(socket);
        if (head.length > 0) client.onData(head);
        resolve(client);
      });
      req.on('response', (res) => reject(new Error(`WebSocket upgrade to ${url} refused: HTTP ${res.statusCode}`)));
      req.on('timeout', () => req.destroy(new Error(`WebSocket upgrade to ${url} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  onMessage(listener: (text: string) => void): void {
    this.listeners.push(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.send(0x8, Buffer.from([0x03, 0xe8])); // 1000 normal closure
    this.closed = true;
    this.socket.end();
    this.socket.destroy();
  }

  private send(opcode: number, payload: Buffer): void {
    if (this.closed) return;
    // Control frames only (< 126 bytes), so the 7-bit length always suffices.
    const mask = randomBytes(4);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
    this.socket.write(Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]));
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const frame = readFrame(this.buffer);
      if (!frame) return;
      this.buffer = this.buffer.subarray(frame.size);
      this.onFrame(frame.fin, frame.opcode, frame.payload);
    }
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === 0x9) return this.send(0xa, payload);
    if (opcode === 0x8) {
      this.send(0x8, payload.subarray(0, 2));
      this.closed = true;
      this.socket.end();
      return;
    }
    if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
      this.fragments.push(payload);
      if (!fin) return;
      const text = Buffer.concat(this.fragments).toString('utf8');
      this.fragments = [];
      this.messages.push(text);
      for (const l of this.listeners) l(text);
    }
  }
}

/** One complete frame at the start of `buf`, or null when more bytes are needed. */
function readFrame(buf: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | null {
  if (buf.length < 2) return null;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let length = buf[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return null;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return null;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskKey = masked ? buf.subarray(offset, offset + 4) : undefined;
  if (masked) offset += 4;
  if (buf.length < offset + length) return null;
  let payload = buf.subarray(offset, offset + length);
  if (maskKey) payload = Buffer.from(payload.map((b, i) => b ^ maskKey[i % 4]));
  return { fin, opcode, payload, size: offset + length };
}
