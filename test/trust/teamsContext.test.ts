import { teamsContextOf } from '../../src/bot/teamsContext';

describe('teamsContextOf', () => {
  it('reads a Teams channel message', () => {
    const ctx = teamsContextOf({
      channelId: 'msteams',
      from: { id: '29:1abc', name: 'Ada Lovelace', aadObjectId: 'aad-ada' },
      conversation: {
        id: '19:chan@thread.tacv2;messageid=17',
        conversationType: 'channel',
        tenantId: 'tenant-from-conv',
        isGroup: true,
        name: '',
      },
      channelData: {
        tenant: { id: 'tenant-1' },
        team: { id: '19:team@thread.tacv2' },
        channel: { id: '19:chan@thread.tacv2' },
      },
      entities: [{ type: 'mention' }, { type: 'clientInfo', locale: 'en-GB', timezone: 'Europe/London' }],
    });
    expect(ctx).toEqual({
      tenantId: 'tenant-1',
      teamId: '19:team@thread.tacv2',
      channelId: '19:chan@thread.tacv2',
      conversationType: 'channel',
      conversationId: '19:chan@thread.tacv2;messageid=17',
      userAadObjectId: 'aad-ada',
      userName: 'Ada Lovelace',
      timeZone: 'Europe/London',
    });
  });

  it('falls back to conversation.tenantId and infers the conversation type', () => {
    const personal = teamsContextOf({
      conversation: { id: 'a:1', tenantId: 't-2' } as never,
      from: { id: '29:x', name: 'X' },
    });
    expect(personal.tenantId).toBe('t-2');
    expect(personal.conversationType).toBe('personal');
    expect(personal.userAadObjectId).toBeUndefined();
    const group = teamsContextOf({ conversation: { id: '19:g@thread.v2', isGroup: true } as never });
    expect(group.conversationType).toBe('groupChat');
    const channel = teamsContextOf({
      conversation: { id: 'c' } as never,
      channelData: { channel: { id: '19:c@thread.tacv2' } },
    });
    expect(channel.conversationType).toBe('channel');
  });

  it('ignores unknown time zones and malformed shapes', () => {
    const ctx = teamsContextOf({
      channelData: { tenant: 'not-an-object', team: { id: 42 } },
      entities: [{ type: 'clientInfo', timezone: 'Mars/Olympus_Mons' }],
      from: null as never,
    });
    expect(ctx.tenantId).toBeUndefined();
    expect(ctx.teamId).toBeUndefined();
    expect(ctx.timeZone).toBeUndefined();
    expect(teamsContextOf({}).conversationType).toBe('personal');
  });
});
