/**
 * The edge of POST /api/messages: everything checked before an activity reaches botbuilder. In order, and
 * each as cheap as it can be: the Authorization header's presence (before a byte of the body is read), the
 * media type, the declared length, the length while reading (the body is never buffered past the limit),
 * JSON, then the shape the bot relies on. Each refusal has its own 4xx status and a sentence saying why.
 */
import type { IncomingMessage } from 'node:http';

/** Bot Framework activities are small (Teams caps a message at about 28 KB); this leaves room for cards. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

export type ActivityRead =
  { ok: true; activity: Record<string, unknown> } | { ok: false; status: 400 | 401 | 413 | 415; message: string };

export interface ReadActivityOptions {
  maxBytes?: number;
  /** Authentication is on: a request without a bearer token is refused before its body is read. */
  requireBearer: boolean;
}

const refuse = (status: 400 | 401 | 413 | 415, message: string): ActivityRead => ({ ok: false, status, message });

export async function readActivity(req: IncomingMessage, opts: ReadActivityOptions): Promise<ActivityRead> {
  const maxBytes = opts.maxBytes ?? MAX_ACTIVITY_BYTES;
  // The token itself is validated by botbuilder, which needs the activity; its absence needs nothing.
  if (opts.requireBearer && !/^Bearer\s+\S/i.test(req.headers.authorization ?? '')) {
    return refuse(401, 'Missing Bot Framework token: send "Authorization: Bearer <token>".');
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    return refuse(415, `Activities are JSON: send Content-Type: application/json (got "${type || 'none'}").`);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes);
  const body = await readCapped(req, maxBytes);
  if (body === undefined) return tooLarge(maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(400, 'The body is not valid JSON.');
  }
  const problem = shapeProblem(parsed);
  return problem ? refuse(400, problem) : { ok: true, activity: parsed as Record<string, unknown> };
}

function tooLarge(maxBytes: number): ActivityRead {
  return refuse(413, `The body is larger than ${maxBytes} bytes, the most an activity may be.`);
}

/** The body, or undefined as soon as it passes `maxBytes` (the rest is not read; the caller closes the connection). */
function readCapped(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields the bot reads, with the type it reads them as; present with another type is refused. */
const OPTIONAL_FIELDS: Record<string, 'string' | 'object' | 'array'> = {
  id: 'string',
  channelId: 'string',
  text: 'string',
  textFormat: 'string',
  name: 'string',
  replyToId: 'string',
  locale: 'string',
  localTimezone: 'string',
  timestamp: 'string',
  localTimestamp: 'string',
  from: 'object',
  recipient: 'object',
  channelData: 'object',
  entities: 'array',
  attachments: 'array',
  membersAdded: 'array',
  membersRemoved: 'array',
};

/** Why the body is not an activity the bot can answer, or undefined when it is. */
function shapeProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'The body must be a JSON object (an activity).';
  if (typeof body.type !== 'string' || !body.type.trim()) return 'The activity has no "type".';
  if (!isObject(body.conversation) || typeof body.conversation.id !== 'string' || !body.conversation.id) {
    return 'The activity has no "conversation.id", so there is nowhere to answer.';
  }
  if (typeof body.serviceUrl !== 'string' || !/^https?:\/\/\S+$/i.test(body.serviceUrl)) {
    return 'The activity has no http(s) "serviceUrl", so there is no way to answer.';
  }
  for (const [field, kind] of Object.entries(OPTIONAL_FIELDS)) {
    const v = body[field];
    if (v === undefined || v === null) continue;
    const ok = kind === 'string' ? typeof v === 'string' : kind === 'array' ? Array.isArray(v) : isObject(v);
    if (!ok)
      return `The activity's "${field}" must be ${kind === 'array' ? 'an array' : `a${kind === 'object' ? 'n' : ''} ${kind}`}.`;
  }
  for (const field of ['membersAdded', 'membersRemoved', 'entities', 'attachments'] as const) {
    const list = body[field];
    if (Array.isArray(list) && !list.every(isObject)) return `Every item of "${field}" must be an object.`;
  }
  return undefined;
}
