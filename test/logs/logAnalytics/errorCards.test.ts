/** Explained source errors, rendered by the cards room: the card says what, why and how to fix; no token. */
import { renderReply } from '../../../src/cards/render';
import { LogAnalyticsSource } from '../../../src/logs/logAnalytics/logAnalyticsSource';
import { type LogSourceError, toErrorAnswer } from '../../../src/logs/source/errors';
import { echoExecutor, LaService, type Fault } from '../../support/laService/server';
import { StaticTokenCredential } from '../../support/laService/fakeCredential';
import { SEED } from '../../support/laService/seedErrors';

const WS = '6f1c2b9e-0000-4000-8000-00000000a11c';
const IDENTITY = 'managed identity 11111111-2222-3333-4444-555555555555';
const cred = new StaticTokenCredential();
let svc: LaService;

beforeAll(async () => {
  svc = await LaService.start({ executor: echoExecutor });
});
afterAll(() => svc.close());

const cases: [string, Fault][] = [
  ['SyntaxError', SEED.syntaxError],
  ['InsufficientAccessError', SEED.insufficientAccess],
  ['UnauthorizedClient', SEED.unauthorizedClient],
  ['InvalidGrant', SEED.invalidGrant],
  ['PathNotFoundError', SEED.pathNotFound],
  ['NoData', { status: 204 }],
  ['EmptyResponse', { status: 200, body: '' }],
  ['Throttled', { status: 429, headers: { 'retry-after': '5' } }],
];

test.each(cases)('%s renders as an error card with the explanation and fixes', async (code, fault) => {
  svc.inject(fault);
  const src = new LogAnalyticsSource({
    workspaceId: WS,
    endpoint: svc.endpoint,
    credential: cred,
    caCertificates: svc.ca,
    identityLabel: IDENTITY,
  });
  const e = (await src
    .query({
      kql: 'GatewayLogs | take 1',
      timespan: { from: new Date('2026-11-23T10:00:00Z'), to: new Date('2026-11-23T10:15:00Z') },
    })
    .catch((x: unknown) => x)) as LogSourceError;
  expect(e.code).toBe(code);
  const card = renderReply(toErrorAnswer(e, undefined, 'GatewayLogs | take 1'), {
    now: new Date('2026-11-23T10:16:00Z'),
  });
  expect(JSON.stringify(card)).not.toContain(cred.token);
  // The cards room escapes Markdown (\_ \`) and angle brackets; compare the text a reader sees.
  const texts: string[] = [];
  JSON.stringify(card, (k, v: unknown) => {
    if (k === 'text' && typeof v === 'string')
      texts.push(v.replace(/\\(.)/g, '$1').replace(/‹/g, '<').replace(/›/g, '>'));
    return v;
  });
  const shown = texts.join('\n');
  expect(shown).toContain(e.title);
  expect(shown).toContain(e.what);
  for (const fix of e.fix) expect(shown).toContain(fix);
});
