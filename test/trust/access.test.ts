import {
  AccessSettingsError,
  accessPolicyFromSettings,
  decide,
  openAccessPolicy,
  parseConversationTypes,
  parseWorkspaceMap,
  refusalMessage,
  type AccessPolicy,
} from '../../src/bot/access';
import type { TeamsContext } from '../../src/bot/teamsContext';

const T1 = '11111111-1111-1111-1111-111111111111';
const T2 = '22222222-2222-2222-2222-222222222222';
const WS_A = 'aaaaaaaa-0000-0000-0000-00000000000a';
const WS_B = 'bbbbbbbb-0000-0000-0000-00000000000b';
const WS_OPS = 'cccccccc-0000-0000-0000-00000000000c';
const WS_DEF = 'dddddddd-0000-0000-0000-00000000000d';
const TEAM_A = '19:teamA@thread.tacv2';
const TEAM_B = '19:teamB@thread.tacv2';
const CH_OPS = '19:ops@thread.tacv2';

const channelIn = (teamId: string, channelId: string, tenantId = T1): TeamsContext => ({
  tenantId,
  teamId,
  channelId,
  conversationType: 'channel',
  conversationId: `${channelId};messageid=1`,
  userAadObjectId: 'u1',
});
const personal: TeamsContext = {
  tenantId: T1,
  conversationType: 'personal',
  conversationId: 'a:personal',
  userAadObjectId: 'u1',
};
const group: TeamsContext = {
  tenantId: T1,
  conversationType: 'groupChat',
  conversationId: '19:incident@thread.v2',
  userAadObjectId: 'u1',
};

const mapped = accessPolicyFromSettings({
  ALLOWED_TENANTS: `${T1.toUpperCase()}`,
  ALLOWED_TEAMS: `${TEAM_A}, ${TEAM_B}`,
  ALLOWED_CHANNELS: CH_OPS,
  ALLOWED_CONVERSATION_TYPES: 'channel,groupChat',
  WORKSPACE_MAP: `team:${TEAM_A}=${WS_A}; team:${TEAM_B}=${WS_B}\nchannel:${CH_OPS}=${WS_OPS};chat:19:incident@thread.v2=${WS_A}`,
});

type Row = [
  name: string,
  policy: AccessPolicy,
  ctx: TeamsContext,
  expected: { allowed: true; workspaceId?: string } | { allowed: false; how: RegExp },
];

const table: Row[] = [
  [
    'open policy allows anything, bot workspace',
    openAccessPolicy({ defaultWorkspaceId: WS_DEF }),
    personal,
    { allowed: true, workspaceId: WS_DEF },
  ],
  [
    'open policy without workspace leaves it to the source',
    openAccessPolicy(),
    channelIn(TEAM_A, '19:x@thread.tacv2', T2),
    { allowed: true, workspaceId: undefined },
  ],
  [
    'tenant compared case-insensitively',
    mapped,
    channelIn(TEAM_A, '19:general@thread.tacv2'),
    { allowed: true, workspaceId: WS_A },
  ],
  [
    'foreign tenant refused',
    mapped,
    channelIn(TEAM_A, '19:general@thread.tacv2', T2),
    { allowed: false, how: new RegExp(`add tenant ${T2} to ALLOWED_TENANTS`) },
  ],
  [
    'missing tenant refused when tenants are restricted',
    mapped,
    { ...channelIn(TEAM_A, CH_OPS), tenantId: undefined },
    { allowed: false, how: /Microsoft Teams/ },
  ],
  [
    'team B maps to its own workspace',
    mapped,
    channelIn(TEAM_B, '19:b1@thread.tacv2'),
    { allowed: true, workspaceId: WS_B },
  ],
  ['channel rule beats team rule', mapped, channelIn(TEAM_A, CH_OPS), { allowed: true, workspaceId: WS_OPS }],
  [
    'single allowed channel of an unlisted team',
    mapped,
    channelIn('19:other@thread.tacv2', CH_OPS),
    { allowed: true, workspaceId: WS_OPS },
  ],
  [
    'unlisted team refused, told which team',
    mapped,
    channelIn('19:other@thread.tacv2', '19:o1@thread.tacv2'),
    {
      allowed: false,
      how: /add team 19:other@thread\.tacv2 to ALLOWED_TEAMS \(or just this channel, 19:o1@thread\.tacv2, to ALLOWED_CHANNELS\)/,
    },
  ],
  [
    'personal chat refused by conversation type',
    mapped,
    personal,
    { allowed: false, how: /add "personal" to ALLOWED_CONVERSATION_TYPES/ },
  ],
  ['group chat mapped by conversation id', mapped, group, { allowed: true, workspaceId: WS_A }],
  [
    'unmapped group chat refused, no silent fallback',
    mapped,
    { ...group, conversationId: '19:other-chat@thread.v2' },
    { allowed: false, how: /"chat:19:other-chat@thread\.v2=<workspace id>" to WORKSPACE_MAP/ },
  ],
  [
    'unmapped team refused when a map exists',
    accessPolicyFromSettings({ WORKSPACE_MAP: `team:${TEAM_A}=${WS_A}` }),
    channelIn(TEAM_B, '19:b@thread.tacv2'),
    { allowed: false, how: new RegExp(`"team:${TEAM_B}=<workspace id>" to WORKSPACE_MAP`) },
  ],
  [
    'default entry catches the unmapped',
    accessPolicyFromSettings({ WORKSPACE_MAP: `team:${TEAM_A}=${WS_A};default=${WS_DEF}` }),
    channelIn(TEAM_B, '19:b@thread.tacv2'),
    { allowed: true, workspaceId: WS_DEF },
  ],
  [
    'team allow-list does not apply to chats',
    accessPolicyFromSettings({ ALLOWED_TEAMS: TEAM_A }),
    personal,
    { allowed: true, workspaceId: undefined },
  ],
  [
    'team allow-list without a team id on a channel',
    accessPolicyFromSettings({ ALLOWED_TEAMS: TEAM_A }),
    { ...channelIn(TEAM_A, '19:c@thread.tacv2'), teamId: undefined },
    { allowed: false, how: /enable this channel in ALLOWED_TEAMS or ALLOWED_CHANNELS/ },
  ],
  [
    'listed user allowed (case-insensitive object id)',
    accessPolicyFromSettings({ ALLOWED_USERS: 'U1, u2' }),
    personal,
    { allowed: true, workspaceId: undefined },
  ],
  [
    'unlisted user refused, told their id',
    accessPolicyFromSettings({ ALLOWED_USERS: 'u2' }),
    personal,
    { allowed: false, how: /add your id u1 to ALLOWED_USERS/ },
  ],
  [
    'user without an object id refused when users are listed',
    accessPolicyFromSettings({ ALLOWED_USERS: 'u2' }),
    { ...personal, userAadObjectId: undefined },
    { allowed: false, how: /add you to ALLOWED_USERS/ },
  ],
];

describe('decide', () => {
  it.each(table)('%s', (_name, policy, ctx, expected) => {
    const d = decide(policy, ctx);
    if (expected.allowed) {
      expect(d).toEqual({ allowed: true, workspaceId: expected.workspaceId });
    } else {
      expect(d.allowed).toBe(false);
      if (d.allowed) return;
      expect(d.howToGetAccess).toMatch(expected.how);
      expect(d.reason.length).toBeGreaterThan(10);
      expect(refusalMessage(d)).toMatch(/^Sorry, I can't run that here\. /);
    }
  });
});

describe('WORKSPACE_MAP parsing', () => {
  it('parses every kind, trims, and accepts trailing separators', () => {
    const r = parseWorkspaceMap(
      ` team:${TEAM_A} = ${WS_A} ;channel:${CH_OPS}=${WS_OPS};\n chat:a:1x-Y_z=${WS_B};default=${WS_DEF};`,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([...r.value.teams]).toEqual([[TEAM_A, WS_A]]);
    expect([...r.value.channels]).toEqual([[CH_OPS, WS_OPS]]);
    expect([...r.value.chats]).toEqual([['a:1x-Y_z', WS_B]]);
    expect(r.value.fallback).toBe(WS_DEF);
    expect(parseWorkspaceMap(undefined)).toEqual({
      ok: true,
      value: { teams: new Map(), channels: new Map(), chats: new Map(), fallback: undefined },
    });
  });

  it('reports every bad entry at once, naming it', () => {
    const r = parseWorkspaceMap(
      `team:${TEAM_A}=not-a-guid;group:x=${WS_A};team:=${WS_A};channel:${CH_OPS};team:${TEAM_A}=${WS_A};team:${TEAM_A}=${WS_B};default=${WS_A};default=${WS_B}`,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join('\n');
    expect(r.problems).toHaveLength(6);
    expect(text).toContain('entry 1 ("team:19:teamA@thread.tacv2=not-a-guid"): "not-a-guid" is not a workspace id');
    expect(text).toContain('entry 2 ("group:x=');
    expect(text).toContain('"group" is not one of team:, channel:, chat: or default');
    expect(text).toContain('entry 3 ("team:=');
    expect(text).toContain('the team id is empty');
    expect(text).toContain('entry 4 ("channel:19:ops@thread.tacv2") has no "=<workspace id>"');
    expect(text).toContain(`entry 6 ("team:${TEAM_A}=${WS_B}"): team ${TEAM_A} is already mapped to ${WS_A}`);
    expect(text).toContain('"default" is given twice');
    for (const p of r.problems) expect(p).toMatch(/^WORKSPACE_MAP .*Format: entries separated by ";"/);
  });

  it('conversation types: default all, case-insensitive, clear error', () => {
    expect(parseConversationTypes('')).toEqual({ ok: true, value: ['personal', 'groupChat', 'channel'] });
    expect(parseConversationTypes('CHANNEL, groupchat,channel')).toEqual({ ok: true, value: ['channel', 'groupChat'] });
    expect(parseConversationTypes('channel,meeting')).toEqual({
      ok: false,
      problems: ['ALLOWED_CONVERSATION_TYPES: "meeting" is not one of personal, groupChat, channel'],
    });
  });

  it('accessPolicyFromSettings throws one error listing all problems', () => {
    let err: unknown;
    try {
      accessPolicyFromSettings({ ALLOWED_CONVERSATION_TYPES: 'meeting', WORKSPACE_MAP: 'team:x=1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AccessSettingsError);
    expect((err as AccessSettingsError).problems).toHaveLength(2);
    expect((err as Error).message).toMatch(/Invalid access settings:\n {2}- ALLOWED_CONVERSATION_TYPES/);
  });

  it('accepts list settings already split by config.ts', () => {
    const p = accessPolicyFromSettings({ ALLOWED_TENANTS: [T1, ' '], ALLOWED_TEAMS: [TEAM_A] });
    expect(p.allowedTenants).toEqual([T1]);
    expect(p.allowedTeams).toEqual([TEAM_A]);
  });
});
