import { understand } from '../../src/commands/grammar/understand';
import { stripEmoji, tokenize } from '../../src/commands/grammar/text';
import type { ParseOutcome } from '../../src/commands/types';

const now = new Date('2026-11-23T15:00:00Z');
const parse = (text: string, timeZone?: string): ParseOutcome => understand(text, { now, timeZone });
function failure(text: string): Extract<ParseOutcome, { ok: false }> {
  const r = parse(text);
  if (r.ok) throw new Error(`expected no command for ${JSON.stringify(text)}, got ${JSON.stringify(r.command)}`);
  return r;
}

describe('questions understood but not answered yet', () => {
  it.each([
    ['what changed since 14:00', 'changes'],
    ['what changed on orders-api last 2h', 'changes'],
    ['triage last 1h vs last week', 'compare'],
  ])('%j says so and offers runnable commands that keep the API and window', (text, intent) => {
    const r = failure(text);
    expect(r.understood?.intent).toBe(intent);
    expect(r.error).toMatch(/not available yet/);
    expect(r.suggestions.length).toBeGreaterThanOrEqual(2);
    for (const s of r.suggestions) {
      const again = parse(s);
      expect(again.ok).toBe(true);
      if (!again.ok) continue;
      // Whatever API and window the person named, the buttons keep.
      if (r.understood?.api && again.command.kind !== 'breakers' && again.command.kind !== 'apis')
        expect(again.command.api).toBe(r.understood.api);
      expect(again.command.window.label).toBe(r.understood?.window.label);
    }
  });
  it('a baseline is taken before the window, so "yesterday" is the comparison, not the window', () => {
    const r = failure('how does the last hour compare with yesterday');
    expect(r.understood).toMatchObject({ intent: 'compare', baseline: 'day' });
    expect(r.understood?.window.label).toBe('last 1h');
    expect(failure('errors vs the same time last week').understood?.baseline).toBe('week');
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

describe('suggestions for questions not answerable yet', () => {
  it('keep the window as typed, or say it with exact instants', () => {
    expect(failure('what changed last 2h').suggestions[0]).toBe('triage last 2h');
    expect(failure('what changed since 09:30').suggestions[0]).toBe('triage since 09:30 UTC');
    const y = failure('what changed yesterday').suggestions[0];
    expect(y).toBe('triage between 2026-11-22T00:00:00.000Z and 2026-11-23T00:00:00.000Z');
  });
  it('are read again in the zone of the person asking', () => {
    const r = understand('what changed since 15:30', { now, timeZone: 'Europe/Paris' });
    if (r.ok) throw new Error('expected a pending answer');
    const again = understand(r.suggestions[0], { now, timeZone: 'Europe/Paris' });
    expect(again.ok && again.command.window.from.toISOString()).toBe('2026-11-23T14:30:00.000Z');
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
