import { commandTextOf, parseActionData, requesterOf, timeZoneOf } from '../../src/bot/activity';

const bot = { id: '28:bot', name: 'APIM Triage' };
const mention = { type: 'mention', mentioned: bot, text: '<at>APIM Triage</at>' };

describe('commandTextOf', () => {
  test('strips the bot mention', () => {
    expect(commandTextOf({ text: '<at>APIM Triage</at> triage last 15m', recipient: bot, entities: [mention] })).toBe(
      'triage last 15m',
    );
  });
  test('strips leftover mentions of others, HTML and &nbsp;', () => {
    expect(
      commandTextOf({
        text: '<at>APIM Triage</at>&nbsp;why 401 <at>Bob</at> on <b>orders-api</b>',
        recipient: bot,
        entities: [mention],
      }),
    ).toBe('why 401 on orders-api');
  });
  test('a mention entity that does not match still leaves clean text', () => {
    expect(
      commandTextOf({
        text: '<at>Old Bot Name</at> apis',
        recipient: bot,
        entities: [{ type: 'mention', mentioned: { id: 'x' }, text: '<at>Old Bot Name</at>' }],
      }),
    ).toBe('apis');
  });
  test('undefined text (card submits) gives empty text, no throw', () => {
    expect(commandTextOf({ recipient: bot, entities: [mention] })).toBe('');
  });
});

test('time zone from clientInfo, then localTimezone', () => {
  expect(
    timeZoneOf({ entities: [{ type: 'clientInfo', timezone: 'Asia/Tokyo' }], localTimezone: 'Europe/Berlin' }),
  ).toBe('Asia/Tokyo');
  expect(timeZoneOf({ localTimezone: 'Europe/Berlin' })).toBe('Europe/Berlin');
  expect(timeZoneOf({})).toBeUndefined();
});

test('requester name is trimmed and bounded', () => {
  expect(requesterOf({ from: { id: '29:x', name: '  Ada  ', aadObjectId: 'aad' } })).toEqual({
    name: 'Ada',
    aadObjectId: 'aad',
  });
});

describe('parseActionData', () => {
  test('accepts the three verbs with a command', () => {
    for (const verb of ['refresh', 'drill', 'showKql']) {
      expect(parseActionData(verb, { verb, command: ' triage last 15m ' })).toEqual({
        ok: true,
        verb,
        command: 'triage last 15m',
      });
    }
  });
  test('rejects anything else with a reason', () => {
    const errorOf = (r: ReturnType<typeof parseActionData>) => (r.ok ? 'accepted' : r.error);
    expect(errorOf(parseActionData('rm', { command: 'x' }))).toContain('Unknown card action');
    expect(errorOf(parseActionData('refresh', {}))).toContain('no command');
    expect(parseActionData('refresh', { command: 'a\u0000b' })).toMatchObject({ ok: false });
    expect(parseActionData(undefined, null)).toMatchObject({ ok: false });
  });
});
