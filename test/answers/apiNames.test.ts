/**
 * Names resolve like a person would: a near-miss API name answers for the one API it means and says so; an
 * unknown one says that no API of that name sent traffic, with candidates to press, never "No 500 responses".
 * Runs the real orchestrator over the demo workspace.
 */
import { Workspace } from '../../src/kql';
import { generateDemoTables } from '../../src/logs/embedded/demo/generator';
import { EmbeddedSource } from '../../src/logs/embedded/embeddedSource';
import { TriageService } from '../../src/triage';
import { renderReply } from '../../src/cards';
import { cardToText } from '../../src/cards/text';
import type { Answer } from '../../src/answer';

const NOW = new Date('2026-11-23T14:30:00Z');
const ws = new Workspace();
for (const t of generateDemoTables({ now: NOW, hours: 1 })) ws.addTable(t);
const service = new TriageService({ source: new EmbeddedSource(ws, { now: () => NOW }), now: () => NOW });

async function ask(text: string): Promise<Answer> {
  const parsed = service.parse(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const reply = await service.run(parsed.command);
  if (reply.type !== 'answer') throw new Error(`${reply.title}: ${reply.what}`);
  return reply;
}

describe('near-miss API names answer for the API they mean', () => {
  it.each([
    ['why 500 on payments', 'payments-api', 'payments', 'backend-tls-rejected'],
    ['why 401 on order-api', 'orders-api', 'order-api', 'subscription-not-found'],
    ['triage on paymnts-api', 'payments-api', 'paymnts-api', 'backend-tls-rejected'],
    ['why are we seeing 401s for orders api', 'orders-api', '', 'subscription-not-found'],
    ['why 401 orders-api', 'orders-api', '', 'subscription-not-found'],
    ['401s for orders api', 'orders-api', '', 'subscription-not-found'],
    ['why 500 on Payments_API', 'payments-api', 'payments_api', 'backend-tls-rejected'],
  ])('%s', async (text, api, typed, top) => {
    const a = await ask(text);
    expect(a.command.api).toBe(api);
    expect(a.findings[0].signature).toBe(top);
    expect(a.findings.every((f) => f.apis.length === 0 || f.apis.every((x) => x === api))).toBe(true);
    expect(a.summary).not.toMatch(/^No /);
    if (typed) expect(a.notes).toContain(`Showing ${api}; you typed ${typed}.`);
    else expect(a.notes.join(' ')).not.toMatch(/you typed/);
  });
});

describe('an API name that means no API, or several', () => {
  it('says no API of that name sent traffic, with candidates as buttons', async () => {
    const a = await ask('why 500 on pay');
    expect(a.summary).toBe('No API named "pay" sent traffic in the last 15m.');
    expect(a.findings).toEqual([]);
    expect(a.suggestions).toEqual(['why 500 on payments-api last 15m']);
    const text = cardToText(renderReply(a, { now: NOW }));
    expect(text).toContain('No API named "pay" sent traffic');
    expect(text).toContain('[why 500 on payments-api last 15m]');
    expect(text).not.toMatch(/No 500 responses|No failures matched/);
  });
  it('with nothing close, offers the APIs that did send traffic', async () => {
    const a = await ask('triage on zzzzzz');
    expect(a.summary).toBe('No API named "zzzzzz" sent traffic in the last 15m.');
    expect(a.notes.join(' ')).toMatch(/APIs with traffic in this window: .*orders-api/);
    expect(a.suggestions!.length).toBeGreaterThan(0);
    for (const s of a.suggestions!) expect(s).toMatch(/^triage on [a-z]+-api last 15m$/);
  });
});
