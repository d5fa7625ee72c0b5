/** `apim-triage ask --json` with invalid settings still writes a JSON error to stdout, for scripts. */
import { main } from '../../src/cli/main';

test('a configuration error reaches stdout as JSON with --json, and stderr always', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  const saved = process.env.QUERY_TIMEOUT_SECONDS;
  process.env.QUERY_TIMEOUT_SECONDS = 'soon';
  try {
    expect(await main(['ask', 'triage last 15m', '--json'])).toBe(2);
    expect(await main(['ask', 'triage last 15m'])).toBe(2);
  } finally {
    if (saved === undefined) delete process.env.QUERY_TIMEOUT_SECONDS;
    else process.env.QUERY_TIMEOUT_SECONDS = saved;
    stdout.mockRestore();
    stderr.mockRestore();
  }
  // One JSON document from the --json run, none from the plain run.
  expect(out).toHaveLength(1);
  const parsed = JSON.parse(out[0]) as { error: { code: string; problems: string[]; fix: string[] } };
  expect(parsed.error.code).toBe('ConfigError');
  expect(parsed.error.problems.join(' ')).toContain('QUERY_TIMEOUT_SECONDS');
  expect(parsed.error.fix.length).toBeGreaterThan(0);
  expect(err.join('')).toContain('QUERY_TIMEOUT_SECONDS');
});
