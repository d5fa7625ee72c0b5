import { cardText, plainText, commandText } from '../../src/cards/sanitize';
import { redactSecrets } from '../../src/redact';
import { fmtFreshness, fmtWindow, humanWindowLabel } from '../../src/cards/format';

describe('redaction', () => {
  test.each([
    [
      'https://a/x?subscription-key=0123456789abcdef0123456789abcdef&b=1',
      'https://a/x?subscription-key=[REDACTED]&b=1',
    ],
    ['https://a/blob?sv=2020&sig=AbC%2Fdef%3D', 'https://a/blob?sv=2020&sig=[REDACTED]'],
    ['https://f.azurewebsites.net/api/x?code=abc123==', 'https://f.azurewebsites.net/api/x?code=[REDACTED]'],
    ['/cb?access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghij', '/cb?access_token=[REDACTED]'],
    ['Ocp-Apim-Subscription-Key: 0123456789abcdef', 'Ocp-Apim-Subscription-Key: [REDACTED]'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer [REDACTED]'],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-part_x in text', 'token [REDACTED] in text'],
  ])('%s', (input, expected) => expect(redactSecrets(input)).toBe(expected));

  test('leaves ordinary text alone', () => {
    expect(redactSecrets('Backend shipping-backend is temporarily unavailable: CircuitBreaker rule tripped.')).toBe(
      'Backend shipping-backend is temporarily unavailable: CircuitBreaker rule tripped.',
    );
  });
});

describe('card text', () => {
  test('escapes the Markdown Teams acts on and neutralises mentions and bindings', () => {
    expect(cardText('see [click](https://x) *now* _a_ `b`')).toBe(
      'see \\[click\\](https://x) \\*now\\* \\_a\\_ \\`b\\`',
    );
    expect(cardText('<at>Everyone</at> hi')).toBe('‹at›Everyone‹/at› hi');
    expect(cardText('${secret.value}')).not.toContain('${');
    expect(cardText('- not a list')).toBe('\\- not a list');
    expect(cardText('12. not a list')).toBe('12\\. not a list');
    expect(cardText('a\u0000b\u0007c')).toBe('abc');
  });

  test('caps length', () => {
    expect(cardText('x'.repeat(50), 10)).toBe('xxxxxxxxx…');
  });

  test('plain text keeps KQL operators verbatim', () => {
    expect(plainText('T | where a >= 4 and b < 3 | summarize count_ = count()', 500)).toBe(
      'T | where a >= 4 and b < 3 | summarize count_ = count()',
    );
  });

  test('command text is one bounded line', () => {
    expect(commandText('  triage\n last   15m ')).toBe('triage last 15m');
    expect(commandText('x'.repeat(500))).toHaveLength(200);
  });
});

describe('formatting', () => {
  const from = new Date('2026-11-23T23:50:00Z');
  const to = new Date('2026-11-24T00:05:00Z');
  test('window across midnight spells out both dates; zone is shown when known', () => {
    expect(fmtWindow(from, to)).toBe('2026-11-23 23:50 – 2026-11-24 00:05 UTC');
    expect(fmtWindow(from, to, 'America/New_York')).toBe(
      '2026-11-23 23:50 – 2026-11-24 00:05 UTC (18:50–19:05 America/New_York)',
    );
    expect(fmtWindow(from, to, 'Not/AZone')).toBe('2026-11-23 23:50 – 2026-11-24 00:05 UTC');
  });
  test('window labels read as words', () => {
    expect(humanWindowLabel('last 15m')).toBe('last 15 min');
    expect(humanWindowLabel('last 1h')).toBe('last 1 hour');
    expect(humanWindowLabel('last 6h')).toBe('last 6 hours');
  });
  test('freshness says how far behind the logs are', () => {
    const now = new Date('2026-11-23T14:33:00Z');
    expect(fmtFreshness('2026-11-23T14:27:00Z', 5, now)).toBe('Logs complete to 14:27 UTC, about 6 min behind');
    expect(fmtFreshness('2026-11-23T14:33:00Z', 0, now)).toBe('Logs complete to 14:33 UTC, up to date');
    expect(fmtFreshness('2026-11-23T14:33:00Z', 4, now)).toBe(
      'Logs complete to 14:33 UTC, ingestion about 4 min behind',
    );
  });
});
