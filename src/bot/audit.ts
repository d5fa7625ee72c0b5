/**
 * A record of who ran what, where: one JSON line per command, card action, refusal and rate-limit.
 * Built from named fields only (never a whole activity, request or header set), and every free-text
 * field goes through the redactor and a length cap, so a key pasted into chat cannot reach the log.
 */
import { createHash } from 'node:crypto';
import { redactSecrets, truncate } from '../redact';
import type { ConversationType, TeamsContext } from './teamsContext';

type AuditEvent = 'command' | 'action' | 'refused' | 'rate-limited';
type AuditOutcome = 'answer' | 'help' | 'error' | 'refused' | 'rate-limited' | 'parse-error' | 'timeout' | 'pinned';

export interface AuditRecord {
  ts: string;
  event: AuditEvent;
  who: { aadObjectId?: string; name?: string };
  where: { tenantId?: string; teamId?: string; channelId?: string; conversationType?: ConversationType };
  what: { kind?: string; text?: string; recipe?: string; kqlHash?: string; verb?: string };
  durationMs?: number;
  outcome: AuditOutcome;
  errorCode?: string;
  /** Short, redacted detail for refusals and errors (e.g. which rule refused). */
  detail?: string;
}

/** What the bot knows at the end of a command or action; turned into an AuditRecord by `record`. */
export interface AuditInput {
  event: AuditEvent;
  ctx: TeamsContext;
  kind?: string;
  text?: string;
  recipe?: string;
  /** The exact KQL run; only its hash is logged (the text can be long and hold user input). */
  kql?: string;
  verb?: string;
  durationMs?: number;
  outcome: AuditOutcome;
  errorCode?: string;
  detail?: string;
}

export type AuditSink = (line: string) => void;
export type Redactor = (text: string) => string;

export interface AuditLogOptions {
  /** Where lines go; default process.stdout. */
  sink?: AuditSink;
  /** Extra free-text redaction, applied after the shared redactor (never instead of it). */
  redact?: Redactor;
  /** Cap for the command text after redaction. Default 200. */
  maxTextLength?: number;
  now?: () => Date;
}

/** People paste keys into chat with nothing naming them, so bare key-like runs are redacted too. */
function defaultRedactor(text: string): string {
  return redactSecrets(text, { bareKeys: true });
}

export function kqlHash(kql: string): string {
  return createHash('sha256').update(kql, 'utf8').digest('hex').slice(0, 16);
}

const ID_SAFE = /^[A-Za-z0-9:@._;=-]{1,200}$/;

export class AuditLog {
  private readonly sink: AuditSink;
  private readonly redact: Redactor;
  private readonly maxText: number;
  private readonly now: () => Date;

  constructor(options: AuditLogOptions = {}) {
    this.sink = options.sink ?? ((line) => void process.stdout.write(line + '\n'));
    const custom = options.redact;
    // A custom redactor is added to the default, never swapped in for it.
    this.redact = custom ? (t) => custom(defaultRedactor(t)) : defaultRedactor;
    this.maxText = options.maxTextLength ?? 200;
    this.now = options.now ?? (() => new Date());
  }

  /** Builds and writes one line. Never throws: an audit failure must not break the answer. */
  record(input: AuditInput): AuditRecord | undefined {
    try {
      const rec = this.build(input);
      this.sink(JSON.stringify(rec));
      return rec;
    } catch {
      return undefined;
    }
  }

  build(input: AuditInput): AuditRecord {
    const { ctx } = input;
    const rec: AuditRecord = {
      ts: this.now().toISOString(),
      event: input.event,
      who: { aadObjectId: this.id(ctx.userAadObjectId), name: this.text(ctx.userName, 80) },
      where: {
        tenantId: this.id(ctx.tenantId),
        teamId: this.id(ctx.teamId),
        channelId: this.id(ctx.channelId),
        conversationType: ctx.conversationType,
      },
      what: {
        kind: this.text(input.kind, 40),
        text: this.text(input.text, this.maxText),
        recipe: this.text(input.recipe, 80),
        kqlHash: input.kql !== undefined ? kqlHash(input.kql) : undefined,
        verb: this.text(input.verb, 40),
      },
      durationMs:
        input.durationMs !== undefined && Number.isFinite(input.durationMs) ? Math.round(input.durationMs) : undefined,
      outcome: input.outcome,
      errorCode: this.text(input.errorCode, 80),
      detail: this.text(input.detail, 300),
    };
    return rec;
  }

  /** Ids are logged as-is only when they look like Teams/Entra ids; anything else is treated as text. */
  private id(v: string | undefined): string | undefined {
    if (v === undefined) return undefined;
    return ID_SAFE.test(v) && !/eyJ/.test(v) ? v : this.text(v, 200);
  }

  private text(v: string | undefined, max: number): string | undefined {
    if (v === undefined) return undefined;
    // Redact before capping, so a cut can never leave the front half of a secret unredacted.
    return truncate(this.redact(v).replace(/\p{Cc}/gu, ' '), max);
  }
}
