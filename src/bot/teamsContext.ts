/**
 * Who asked, from where: the few Teams fields the access checks, rate limits and audit log need,
 * read once from an incoming activity. Teams puts the same facts in several places depending on the
 * conversation kind and client version, so the fallbacks below matter.
 */
import type { Activity } from 'botbuilder';

export type ConversationType = 'personal' | 'groupChat' | 'channel';

export interface TeamsContext {
  tenantId?: string;
  teamId?: string;
  channelId?: string;
  conversationType: ConversationType;
  conversationId?: string;
  /** Stable identity of the person (Entra object id); display names change and are not unique. */
  userAadObjectId?: string;
  userName?: string;
  /** IANA zone the user's client reported (entities[] clientInfo), e.g. "Europe/Berlin". */
  timeZone?: string;
}

interface TeamsChannelDataShape {
  tenant?: { id?: unknown };
  team?: { id?: unknown };
  channel?: { id?: unknown };
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function teamsContextOf(activity: Partial<Activity>): TeamsContext {
  const channelData = (asObject(activity.channelData) ?? {}) as TeamsChannelDataShape;
  const conversation = asObject(activity.conversation) ?? {};
  const from = asObject(activity.from) ?? {};

  const tenantId = text(asObject(channelData.tenant)?.id) ?? text(conversation.tenantId);
  const teamId = text(asObject(channelData.team)?.id);
  const channelId = text(asObject(channelData.channel)?.id);

  return {
    tenantId,
    teamId,
    channelId,
    conversationType: conversationTypeOf(conversation.conversationType, channelId, conversation.isGroup),
    conversationId: text(conversation.id),
    userAadObjectId: text(from.aadObjectId),
    userName: text(from.name),
    timeZone: timeZoneOf(activity.entities),
  };
}

function conversationTypeOf(declared: unknown, channelId: string | undefined, isGroup: unknown): ConversationType {
  if (declared === 'personal' || declared === 'groupChat' || declared === 'channel') return declared;
  // Older payloads (and some tests/tools) omit conversationType: infer it the way Teams would set it.
  if (channelId) return 'channel';
  return isGroup === true ? 'groupChat' : 'personal';
}

function timeZoneOf(entities: unknown): string | undefined {
  if (!Array.isArray(entities)) return undefined;
  for (const e of entities) {
    const entity = asObject(e);
    if (entity?.type !== 'clientInfo') continue;
    const zone = text(entity.timezone);
    if (zone && isKnownTimeZone(zone)) return zone;
  }
  return undefined;
}

/** A client-supplied string reaches date formatting later; only accept zones the runtime knows. */
function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
