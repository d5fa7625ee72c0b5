/**
 * The freshness note and triage's line about control-plane changes are courtesies: against a throttling
 * workspace their queries are sent once and never retried, while the recipe query (the answer itself) is
 * retried as usual. A workspace without the Activity log is not asked for changes on every triage.
 */
import type { LaService } from '../support/laService/server';
import { isFreshnessQuery, isRecipeQuery, logAnalyticsTriage, startLogAnalytics } from '../bot/support/realTriage';

jest.setTimeout(60_000);

let svc: LaService;
beforeAll(async () => {
  svc = await startLogAnalytics();
});
afterAll(() => svc?.close());

/** Triage's second query, over the Activity log. */
const isChangesQuery = (r: { query?: string }): boolean => /^AzureActivity$/m.test(r.query ?? '');

test('under 429 the recipe query is retried and the freshness and changes queries are not', async () => {
  // The schema is known, so the command sends three queries: the recipe, the freshness and the changes query.
  const triage = logAnalyticsTriage(svc, { maxRetries: 3, schemaOverride: 'resource-specific' });
  svc.inject({
    status: 429,
    headers: { 'retry-after': '0' },
    body: { error: { code: 'ThrottledError', message: 'Too many requests' } },
    times: 100,
  });
  const parsed = triage.parse('triage last 15m');
  if (!parsed.ok) throw new Error(parsed.error);
  const answer = await triage.run(parsed.command);
  expect(answer.type).toBe('error');
  expect(svc.requests.filter(isRecipeQuery)).toHaveLength(4); // the first try and 3 retries
  expect(svc.requests.filter(isFreshnessQuery)).toHaveLength(1);
  expect(svc.requests.filter(isChangesQuery)).toHaveLength(1);
  expect(svc.requests).toHaveLength(6);
});

describe('a workspace without the Activity log', () => {
  let bare: LaService;
  beforeAll(async () => {
    bare = await startLogAnalytics(undefined, { without: ['AzureActivity'] });
  });
  afterAll(() => bare?.close());

  test('triage asks for its changes once, then stops asking; "what changed" still asks and explains', async () => {
    const triage = logAnalyticsTriage(bare, { schemaOverride: 'resource-specific' });
    const run = async (text: string) => {
      const parsed = triage.parse(text);
      if (!parsed.ok) throw new Error(parsed.error);
      return triage.run(parsed.command);
    };
    for (let i = 0; i < 3; i++) expect((await run('triage last 15m')).type).toBe('answer');
    expect(bare.requests.filter(isRecipeQuery)).toHaveLength(3);
    expect(bare.requests.filter(isChangesQuery)).toHaveLength(1);
    // Asked for by name, the Activity log is queried every time, and its absence explained.
    const changes = await run('what changed');
    expect(bare.requests.filter(isChangesQuery)).toHaveLength(2);
    if (changes.type !== 'answer') throw new Error(changes.type);
    expect(changes.notes.join(' ')).toContain('no AzureActivity table');
  });
});
