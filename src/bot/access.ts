/**
 * Who may use the bot, where, and which logs each place may see. The Bot Framework only proves a
 * request came from Teams for this app id: it never checks tenant, team, channel or user, and a
 * single-tenant app registration does not stop other tenants (reference/teams-bot-platform.md §7).
 * So every rule here is code, applied to every message and card action before anything runs.
 */
import type { ConversationType, TeamsContext } from './teamsContext';

const CONVERSATION_TYPES: readonly ConversationType[] = ['personal', 'groupChat', 'channel'];

/** Where a Log Analytics workspace applies; the most specific rule wins (channel, then team, then chat). */
export interface WorkspaceMap {
  teams: ReadonlyMap<string, string>;
  channels: ReadonlyMap<string, string>;
  /** Group or personal chats, by conversation id. */
  chats: ReadonlyMap<string, string>;
  /** `default=<guid>` entry: where everything unmapped goes. Absent: unmapped places are refused. */
  fallback?: string;
}

export interface AccessPolicy {
  /** Entra tenant ids allowed to use the bot; empty = any tenant. Compared case-insensitively. */
  allowedTenants: readonly string[];
  /** Team ids (channelData.team.id) whose channels may use the bot; empty with no channels = any. */
  allowedTeams: readonly string[];
  /** Individual channel ids allowed in addition to whole teams. */
  allowedChannels: readonly string[];
  /** Entra object ids (from.aadObjectId) of the people who may run commands; empty = anyone. */
  allowedUsers: readonly string[];
  /** Kinds of conversation the bot answers in. */
  allowedConversationTypes: readonly ConversationType[];
  /** Per team/channel/chat workspace; empty = everyone uses `defaultWorkspaceId` (the bot's own). */
  workspaces: WorkspaceMap;
  /** The bot's configured workspace (LOG_ANALYTICS_WORKSPACE_ID), used when no map is set. */
  defaultWorkspaceId?: string;
}

export type AccessDecision =
  { allowed: true; workspaceId?: string } | { allowed: false; reason: string; howToGetAccess: string };

const EMPTY_WORKSPACE_MAP: WorkspaceMap = { teams: new Map(), channels: new Map(), chats: new Map() };

export function openAccessPolicy(overrides: Partial<AccessPolicy> = {}): AccessPolicy {
  return {
    allowedTenants: [],
    allowedTeams: [],
    allowedChannels: [],
    allowedUsers: [],
    allowedConversationTypes: CONVERSATION_TYPES,
    workspaces: EMPTY_WORKSPACE_MAP,
    ...overrides,
  };
}

const PLACE: Record<ConversationType, string> = {
  personal: 'personal chats',
  groupChat: 'group chats',
  channel: 'channels',
};

export function decide(policy: AccessPolicy, ctx: TeamsContext): AccessDecision {
  if (policy.allowedTenants.length > 0) {
    if (!ctx.tenantId) {
      return refuse(
        'I could not tell which organisation this message came from, so I cannot check that I may answer here.',
        'Message me from Microsoft Teams in an organisation this bot is set up for.',
      );
    }
    const tenant = ctx.tenantId.toLowerCase();
    if (!policy.allowedTenants.some((t) => t.toLowerCase() === tenant)) {
      return refuse(
        'This bot only answers in the organisations it was set up for, and yours is not one of them.',
        `Ask your bot admin to add tenant ${ctx.tenantId} to ALLOWED_TENANTS.`,
      );
    }
  }

  if (policy.allowedUsers.length > 0) {
    const user = ctx.userAadObjectId?.toLowerCase();
    if (!user || !policy.allowedUsers.some((u) => u.toLowerCase() === user)) {
      return refuse(
        'Only the people your bot admin has listed can run commands, and you are not on that list yet.',
        ctx.userAadObjectId
          ? `Ask your bot admin to add your id ${ctx.userAadObjectId} to ALLOWED_USERS.`
          : 'Message me from a Microsoft Teams account in your organisation, then ask your bot admin to add you to ALLOWED_USERS.',
      );
    }
  }

  if (!policy.allowedConversationTypes.includes(ctx.conversationType)) {
    const where = policy.allowedConversationTypes.map((t) => PLACE[t]).join(' and ');
    return refuse(
      `I don't answer in ${PLACE[ctx.conversationType]} here${where ? `, only in ${where}` : ''}.`,
      `Ask me in ${where || 'a place your bot admin has enabled'}, or ask your bot admin to add "${ctx.conversationType}" to ALLOWED_CONVERSATION_TYPES.`,
    );
  }

  if (ctx.conversationType === 'channel' && (policy.allowedTeams.length > 0 || policy.allowedChannels.length > 0)) {
    const teamOk = ctx.teamId !== undefined && policy.allowedTeams.includes(ctx.teamId);
    const channelOk = ctx.channelId !== undefined && policy.allowedChannels.includes(ctx.channelId);
    if (!teamOk && !channelOk) {
      const how = ctx.teamId
        ? `Ask your bot admin to add team ${ctx.teamId} to ALLOWED_TEAMS` +
          (ctx.channelId ? ` (or just this channel, ${ctx.channelId}, to ALLOWED_CHANNELS).` : '.')
        : 'Ask your bot admin to enable this channel in ALLOWED_TEAMS or ALLOWED_CHANNELS.';
      return refuse('This team is not enabled for APIM Triage yet.', how);
    }
  }

  return workspaceFor(policy, ctx);
}

function workspaceFor(policy: AccessPolicy, ctx: TeamsContext): AccessDecision {
  const map = policy.workspaces;
  if (!hasWorkspaceRules(map)) return { allowed: true, workspaceId: policy.defaultWorkspaceId };
  const mapped =
    (ctx.channelId !== undefined ? map.channels.get(ctx.channelId) : undefined) ??
    (ctx.teamId !== undefined ? map.teams.get(ctx.teamId) : undefined) ??
    (ctx.conversationType !== 'channel' && ctx.conversationId !== undefined
      ? map.chats.get(ctx.conversationId)
      : undefined) ??
    map.fallback;
  if (mapped) return { allowed: true, workspaceId: mapped };
  // Refusing (rather than using the bot's own workspace) is what keeps one team out of another's logs.
  const entry =
    ctx.conversationType === 'channel'
      ? ctx.teamId
        ? `team:${ctx.teamId}=<workspace id>`
        : `channel:${ctx.channelId ?? '<channel id>'}=<workspace id>`
      : `chat:${ctx.conversationId ?? '<conversation id>'}=<workspace id>`;
  return refuse(
    `No Log Analytics workspace is set up for this ${ctx.conversationType === 'channel' ? 'team' : 'chat'}, so I have no logs I may show here.`,
    `Ask your bot admin to add "${entry}" to WORKSPACE_MAP.`,
  );
}

function hasWorkspaceRules(map: WorkspaceMap): boolean {
  return map.teams.size + map.channels.size + map.chats.size > 0 || map.fallback !== undefined;
}

function refuse(reason: string, howToGetAccess: string): AccessDecision {
  return { allowed: false, reason, howToGetAccess };
}

/** The text a refused user sees: what happened, and what to do about it. */
export function refusalMessage(decision: { reason: string; howToGetAccess: string }): string {
  return `Sorry, I can't run that here. ${decision.reason} ${decision.howToGetAccess}`;
}

// ---------------------------------------------------------------------------------------------------
// Settings

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const WORKSPACE_MAP_FORMAT =
  'entries separated by ";" (or new lines), each "team:<team id>=<workspace id>", "channel:<channel id>=<workspace id>", ' +
  '"chat:<conversation id>=<workspace id>" or "default=<workspace id>"; workspace ids are GUIDs ' +
  '(e.g. team:19:abc@thread.tacv2=0b1c2d3e-1111-2222-3333-444455556666;default=...)';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/**
 * Parses WORKSPACE_MAP. Every problem is reported at once, each naming the entry, so an admin can
 * fix the whole setting in one go.
 */
export function parseWorkspaceMap(text: string | undefined): ParseResult<WorkspaceMap> {
  const teams = new Map<string, string>();
  const channels = new Map<string, string>();
  const chats = new Map<string, string>();
  let fallback: string | undefined;
  const problems: string[] = [];
  const entries = (text ?? '')
    .split(/[;\n]/)
    .map((e) => e.trim())
    .filter((e) => e !== '');

  entries.forEach((entry, i) => {
    const where = `entry ${i + 1} ("${entry}")`;
    // Ids contain ":" and "@" but never "=", and workspace GUIDs never do either: split at the last "=".
    const eq = entry.lastIndexOf('=');
    if (eq < 0) {
      problems.push(`${where} has no "=<workspace id>"`);
      return;
    }
    const key = entry.slice(0, eq).trim();
    const workspace = entry.slice(eq + 1).trim();
    if (!GUID.test(workspace)) {
      problems.push(`${where}: "${workspace}" is not a workspace id; use the workspace's customer id, a GUID`);
      return;
    }
    if (key === 'default') {
      if (fallback !== undefined && fallback !== workspace) problems.push(`${where}: "default" is given twice`);
      fallback = workspace;
      return;
    }
    const colon = key.indexOf(':');
    const kind = colon < 0 ? key : key.slice(0, colon);
    const id = colon < 0 ? '' : key.slice(colon + 1).trim();
    const target = kind === 'team' ? teams : kind === 'channel' ? channels : kind === 'chat' ? chats : undefined;
    if (!target) {
      problems.push(`${where}: "${kind}" is not one of team:, channel:, chat: or default`);
      return;
    }
    if (id === '') {
      problems.push(`${where}: the ${kind} id is empty`);
      return;
    }
    const before = target.get(id);
    if (before !== undefined && before !== workspace) {
      problems.push(`${where}: ${kind} ${id} is already mapped to ${before}`);
      return;
    }
    target.set(id, workspace);
  });

  if (problems.length > 0)
    return { ok: false, problems: problems.map((p) => `WORKSPACE_MAP ${p}. Format: ${WORKSPACE_MAP_FORMAT}`) };
  return { ok: true, value: { teams, channels, chats, fallback } };
}

/** Parses ALLOWED_CONVERSATION_TYPES ("personal,groupChat,channel"; empty = all three). */
export function parseConversationTypes(text: string | undefined): ParseResult<ConversationType[]> {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) return { ok: true, value: [...CONVERSATION_TYPES] };
  const byLower = new Map(CONVERSATION_TYPES.map((t) => [t.toLowerCase(), t]));
  const out: ConversationType[] = [];
  const problems: string[] = [];
  for (const item of items) {
    const t = byLower.get(item.toLowerCase());
    if (!t) problems.push(`ALLOWED_CONVERSATION_TYPES: "${item}" is not one of ${CONVERSATION_TYPES.join(', ')}`);
    else if (!out.includes(t)) out.push(t);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: out };
}

export class AccessSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid access settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AccessSettingsError';
  }
}

export interface AccessSettings {
  ALLOWED_TENANTS?: string | readonly string[];
  ALLOWED_TEAMS?: string | readonly string[];
  ALLOWED_CHANNELS?: string | readonly string[];
  ALLOWED_USERS?: string | readonly string[];
  ALLOWED_CONVERSATION_TYPES?: string;
  WORKSPACE_MAP?: string;
  /** The bot's own workspace (LOG_ANALYTICS_WORKSPACE_ID). */
  defaultWorkspaceId?: string;
}

function list(v: string | readonly string[] | undefined): string[] {
  const items = typeof v === 'string' ? v.split(',') : (v ?? []);
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/** Builds the policy from raw settings; throws AccessSettingsError listing every problem. */
export function accessPolicyFromSettings(s: AccessSettings): AccessPolicy {
  const types = parseConversationTypes(s.ALLOWED_CONVERSATION_TYPES);
  const map = parseWorkspaceMap(s.WORKSPACE_MAP);
  const problems = [...(types.ok ? [] : types.problems), ...(map.ok ? [] : map.problems)];
  // Tenant ids are GUIDs in Entra, but test tools use other shapes: accept any non-empty id.
  const tenants = list(s.ALLOWED_TENANTS);
  if (problems.length > 0 || !types.ok || !map.ok) throw new AccessSettingsError(problems);
  return {
    allowedTenants: tenants,
    allowedTeams: list(s.ALLOWED_TEAMS),
    allowedChannels: list(s.ALLOWED_CHANNELS),
    allowedUsers: list(s.ALLOWED_USERS),
    allowedConversationTypes: types.value,
    workspaces: map.value,
    defaultWorkspaceId: s.defaultWorkspaceId,
  };
}
