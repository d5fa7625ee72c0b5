import { redactSecrets, REDACTED } from '../../src/signatures/redact';

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiYXVkIjoiYXBpIn0.c2lnbmF0dXJlLXZhbHVlLWhlcmU';

describe('redactSecrets', () => {
  it.each([
    [
      'https://contoso-apim.azure-api.net/orders/v1?subscription-key=0123456789abcdef0123456789abcdef',
      'https://contoso-apim.azure-api.net/orders/v1?subscription-key=[REDACTED]',
    ],
    ['https://x/blob?sv=2022-11-02&sig=abc%2Bdef%3D&se=2026', 'https://x/blob?sv=2022-11-02&sig=[REDACTED]&se=2026'],
    [
      'https://fn.azurewebsites.net/api/run?code=AbC123==&name=x',
      'https://fn.azurewebsites.net/api/run?code=[REDACTED]&name=x',
    ],
    [`https://x/cb?state=1&access_token=${JWT}`, 'https://x/cb?state=1&access_token=[REDACTED]'],
    ['https://x/?api-key=k1&key=k2&token=t3', 'https://x/?api-key=[REDACTED]&key=[REDACTED]&token=[REDACTED]'],
    ['https://x/?API-KEY=k1', 'https://x/?API-KEY=[REDACTED]'],
    ['Ocp-Apim-Subscription-Key: 0123456789abcdef0123456789abcdef', 'Ocp-Apim-Subscription-Key: [REDACTED]'],
    ['Authorization: Bearer abc.def', 'Authorization: Bearer [REDACTED]'],
    ['{"Authorization":"Basic dXNlcjpwYXNz"}', '{"Authorization":"Basic [REDACTED]"}'],
    [`token was ${JWT} and then`, `token was ${REDACTED} and then`],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
  it('leaves ordinary text and look-alike parameter names alone', () => {
    const s =
      'https://x/orders?statuscode=500&keyword=blue&monkey=1&page=2 Access denied due to missing subscription key.';
    expect(redactSecrets(s)).toBe(s);
    expect(redactSecrets('')).toBe('');
  });
  it('never lets the secret value through, whatever surrounds it', () => {
    const secret = '0123456789abcdef0123456789abcdef';
    for (const t of [
      `?subscription-key=${secret}`,
      `&subscription-key=${secret}#frag`,
      `Ocp-Apim-Subscription-Key=${secret}`,
      `ocp-apim-subscription-key:${secret}`,
    ]) {
      expect(redactSecrets(t)).not.toContain(secret);
    }
  });
});
