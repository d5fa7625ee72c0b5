import { understand } from '../../src/commands/grammar/understand';
import { stripEmoji, tokenize } from '../../src/commands/grammar/text';
import type { ParseOutcome } from '../../src/commands/types';
import { commandText } from '../../src/commands/text';

const now = new Date('2026-11-23T15:00:00Z');
const parse = (text: string, timeZone?: string): ParseOutcome => understand(text, { now, timeZone });
function failure(text: string): Extract<ParseOutcome, { ok: false }> {
  const r = parse(text);
  if (r.ok) throw new Error(`expected no command for ${JSON.stringify(text)}, got ${JSON.stringify(r.command)}`);
  return r;
}

describe('what changed', () => {
  it.each([
    ['what changed since 14:00', 'since 14:00 UTC', undefined],
    ['what changed on orders-api last 2h', 'last 2h', 'orders-api'],
    ['did someone deploy something?', 'last 15m', undefined],
  ])('%j is the changes answer, keeping the window and API', (text, label, api) => {
    const r = parse(text);
    if (!r.ok) throw new Error(r.error);
    expect({ kind: r.command.kind, label: r.command.window.label, api: r.command.api }).toEqual({
      kind: 'changes',
      label,
      api,
    });
    const again = parse(commandText(r.command));
    expect(again.ok && { kind: again.command.kind, label: again.command.window.label }).toEqual({
      kind: 'changes',
      label,
    });
  });
});

describe('comparing with a baseline', () => {
  const command = (text: string) => {
    const r = parse(text);
    if (!r.ok) throw new Error(`expected a command for ${JSON.stringify(text)}, got ${r.error}`);
    return r.command;
  };
  it.each([
    ['compare with yesterday', 'triage', 'day', 'last 15m', undefined],
    ['triage last 1h vs last week', 'triage', 'week', 'last 1h', undefined],
    ['latency vs yesterday', 'latency', 'day', 'last 15m', undefined],
    ['triage vs yesterday', 'triage', 'day', 'last 15m', undefined],
    ['slow requests on payments-api compared to last week', 'latency', 'week', 'last 15m', 'payments-api'],
    ['compare', 'triage', 'day', 'last 15m', undefined],
  ])('%j is %s against the same window a %s earlier', (text, kind, baseline, label, api) => {
    const c = command(text);
    expect({ kind: c.kind, baseline: c.baseline, label: c.window.label, api: c.api }).toEqual({
      kind,
      baseline,
      label,
      api,
    });
  });
  it('a baseline is taken before the window, so "yesterday" is the comparison, not the window', () => {
    const c = command('how does the last hour compare with yesterday');
    expect(c).toMatchObject({ kind: 'triage', baseline: 'day' });
    expect(c.window.label).toBe('last 1h');
    expect(command('errors vs the same time last week').baseline).toBe('week');
  });
  it('reads back from the text a button sends', () => {
    const c = command('latency on orders-api last 30m vs last week');
    const again = command(commandText(c));
    expect({ kind: again.kind, api: again.api, baseline: again.baseline, label: again.window.label }).toEqual({
      kind: 'latency',
      api: 'orders-api',
      baseline: 'week',
      label: 'last 30m',
    });
  });
  it('refuses a window that would overlap its baseline, offering ones that fit', () => {
    const r = failure('triage last 2d vs yesterday');
    expect(r.error).toMatch(/overlaps the same window yesterday/);
    expect(r.suggestions).toEqual(['triage last 1h vs yesterday', 'triage last 1h vs last week']);
  });
  it('says which answers compare, for another one', () => {
    const r = failure('5xx on payments-api vs yesterday');
    expect(r.error).toMatch(/works for triage and latency/);
    expect(r.suggestions).toEqual([
      'triage on payments-api last 15m vs yesterday',
      'latency on payments-api last 15m vs yesterday',
    ]);
  });
});

describe('the status class, latency and callers answers', () => {
  const command = (text: string) => {
    const r = parse(text);
    if (!r.ok) throw new Error(`expected a command for ${JSON.stringify(text)}, got ${r.error}`);
    return r.command;
  };
  it('"5xx on shipping-api" and "why 4xx" ask for one status class', () => {
    expect(command('5xx on shipping-api')).toMatchObject({
      kind: 'statusClass',
      statusClass: '5xx',
      api: 'shipping-api',
    });
    expect(command('why 4xx')).toMatchObject({ kind: 'statusClass', statusClass: '4xx' });
  });
  it('"latency on payments-api last 2h" keeps the API and the window', () => {
    const c = command('latency on payments-api last 2h');
    expect(c).toMatchObject({ kind: 'latency', api: 'payments-api' });
    expect(c.window.label).toBe('last 2h');
  });
  it('callers name their failure by signature id or by a phrase, and the API apart from it', () => {
    expect(command('callers of rate-limited on inventory-api')).toMatchObject({
      kind: 'callers',
      signatures: ['rate-limited'],
      api: 'inventory-api',
    });
    const bad = command('who is calling orders-api with a bad key');
    expect(bad).toMatchObject({
      api: 'orders-api',
      signatures: ['subscription-key-invalid', 'subscription-not-found'],
    });
    expect(command('callers of subscription-key-missing').api).toBeUndefined();
  });
  it('callers of no named failure are asked for one rather than guessed', () => {
    for (const text of ['callers with 500 on orders-api', 'who is calling orders-api', 'top callers']) {
      const r = failure(text);
      expect(r.error).toMatch(/needs the failure/);
      expect(r.suggestions).toContain('callers of rate-limited');
    }
  });
  it('an invalid API name next to a signature is refused', () => {
    expect(failure('callers of rate-limited on orders$api').error).toMatch(/not a valid API name/);
  });
});

describe('asking rather than guessing', () => {
  it('an action the bot cannot take is refused with what it can do', () => {
    const r = failure('restart payments-api');
    expect(r.error).toMatch(/can't "restart"/);
    expect(r.suggestions).toEqual(['triage on payments-api', 'help']);
  });
  it('a typo as close to two commands offers both', () => {
    // "breake": one slip from "breaker" and from "break" (triage).
    const r = failure('breake');
    expect(r.error).toMatch(/Did you mean/);
    expect(r.suggestions).toEqual(expect.arrayContaining(['breaker shipping-backend', 'triage']));
  });
  it('a hint word alone offers candidates', () => {
    expect(failure('keys').suggestions).toEqual(['401s', 'triage', 'help']);
  });
  it('a bare or definite breaker needs its backend; "a breaker" means any', () => {
    expect(failure('is the breaker open').suggestions).toContain('breakers');
    const any = parse('did a breaker trip');
    expect(any.ok && any.command.kind).toBe('breakers');
  });
  it('unknown words get the closest commands', () => {
    const r = failure('flibbertigibbet');
    expect(r.error).toMatch(/flibbertigibbet/);
    expect(r.suggestions).toEqual(['triage', 'help']);
  });
});

describe('names and typing', () => {
  it('keeps an API named without a preposition, anywhere in the sentence', () => {
    for (const text of ['payments-api 500s', '500s payments-api', 'why 500 payments-api pls']) {
      const r = parse(text);
      expect(r.ok && [r.command.kind, r.command.api, r.command.status]).toEqual(['why', 'payments-api', 500]);
    }
  });
  it('"is <name> down" names the API even without a dash', () => {
    for (const text of ['is checkout down', 'why is checkout failing']) {
      const r = parse(text);
      expect(r.ok && [r.command.kind, r.command.api]).toEqual(['triage', 'checkout']);
    }
    const any = parse('did anything break overnight');
    expect(any.ok && any.command.api).toBeUndefined();
  });
  it('"api" before a name labels it', () => {
    const r = parse('errors on api orders-api');
    expect(r.ok && [r.command.kind, r.command.api]).toEqual(['triage', 'orders-api']);
  });
  it("a time that cannot be read gets the person's own text, mended", () => {
    expect(failure('trige since 9').suggestions).toEqual(['trige since 14:30', 'trige last 30m']);
  });
  it('a word too far from any command gets the text corrected, then the example', () => {
    expect(failure('triqqe 15m on payments-api').suggestions).toEqual(['triage 15m on payments-api', 'triage', 'help']);
  });
  it('a second length is not dropped silently', () => {
    expect(failure('triage 1h 30m').error).toMatch(/could not use "30m"/);
  });
  it('a plain word after "on" is an API name; "api" after it stands for "-api"', () => {
    const r = parse('errors on the payments api');
    expect(r.ok && [r.command.kind, r.command.api]).toEqual(['triage', 'payments-api']);
    const inventory = parse('rate limiting on inventory');
    expect(inventory.ok && inventory.command.api).toBe('inventory');
  });
  it('refuses names that could carry anything into a query', () => {
    expect(failure("errors on orders'api").error).toMatch(/not a valid API name/);
    expect(failure('breaker a|b').error).toMatch(/not a valid backend name/);
  });
  it('a word right after "breaker" is the backend, even one the lexicon knows as a hint', () => {
    const r = parse('breaker key');
    expect(r.ok && [r.command.kind, r.command.backend]).toEqual(['breaker', 'key']);
  });
  it('breaker: the backend, and an API after "on"', () => {
    const r = parse('breaker shipping-backend on shipping-api');
    expect(r.ok && [r.command.backend, r.command.api]).toEqual(['shipping-backend', 'shipping-api']);
  });
  it('emoji, curly apostrophes and typed @mentions are not words', () => {
    expect(stripEmoji('🔥 whats 👍🏽 broken 🇫🇷')).toBe('whats broken');
    expect(tokenize('@apim what’s up')).toEqual(['whats', 'up']);
  });
});
