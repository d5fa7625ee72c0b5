/** Reading what a Teams activity asks for: command text, the asker, their time zone, card-action data. */
import { TurnContext, type Activity } from 'botbuilder';

/**
 * The command text of a message: the bot's own @mention removed (TurnContext.removeRecipientMention, which
 * throws on missing text and removes only the first matching entity), then any leftover <at>..</at>
 * and HTML entities Teams adds, whitespace collapsed.
 */
export function commandTextOf(activity: Partial<Activity>): string {
  if (typeof activity.text !== 'string') return '';
  let text = activity.text;
  if (activity.recipient?.id && Array.isArray(activity.entities)) {
    try {
      text = TurnContext.removeRecipientMention(activity) ?? text;
    } catch {
      // A malformed mention entity must not cost the user an answer; the regex below still strips tags.
    }
  }
  return text
    .replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, ' ')
    .replace(/&nbsp;|\u00a0/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** IANA zone the Teams client reported (clientInfo entity), if any. */
export function timeZoneOf(activity: Partial<Activity>): string | undefined {
  const info = activity.entities?.find((e) => e.type === 'clientInfo') as { timezone?: unknown } | undefined;
  const zone = typeof info?.timezone === 'string' ? info.timezone : activity.localTimezone;
  return typeof zone === 'string' && zone.length > 0 && zone.length < 64 ? zone : undefined;
}

/** Display name for cards and the audit log ("who asked"); the AAD object id goes to the log only. */
export function requesterOf(activity: Partial<Activity>): { name?: string; aadObjectId?: string } {
  const from = activity.from;
  const name = typeof from?.name === 'string' && from.name.trim() ? from.name.trim().slice(0, 80) : undefined;
  return { name, aadObjectId: from?.aadObjectId };
}

export const ACTION_VERBS = ['refresh', 'drill', 'showKql'] as const;
export type ActionVerb = (typeof ACTION_VERBS)[number];

export type ActionData = { ok: true; verb: ActionVerb; command: string } | { ok: false; error: string };

/**
 * Validates card-action data. The bot only ever puts {verb, command} on its buttons, so anything else is
 * rejected rather than interpreted; the command text is parsed like typed text afterwards.
 */
export function parseActionData(verb: unknown, data: unknown): ActionData {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const v = typeof verb === 'string' && verb ? verb : d.verb;
  if (typeof v !== 'string' || !(ACTION_VERBS as readonly string[]).includes(v)) {
    return {
      ok: false,
      error: `Unknown card action "${String(v).slice(0, 40)}"; this card supports ${ACTION_VERBS.join(', ')}.`,
    };
  }
  const command = d.command;
  if (typeof command !== 'string' || !command.trim()) {
    return { ok: false, error: 'The card action carried no command text.' };
  }
  if (command.length > 200 || /\p{Cc}/u.test(command)) {
    return { ok: false, error: 'The card action carried a command that is too long or has control characters.' };
  }
  return { ok: true, verb: v as ActionVerb, command: command.trim() };
}
