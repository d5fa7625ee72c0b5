/**
 * One place for every timeout default: the settings' defaults, the triage's budget and the bot's wait all
 * come from src/timeouts.ts, and no other source file restates a timeout of its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { ANSWER_TIMEOUT_MS, QUERY_TIMEOUT_MS, botWaitMs } from '../../src/timeouts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('the settings default to the one set of timeouts, and the bot waits a little longer than the triage', () => {
  const c = loadConfig({});
  expect(c.answerTimeoutSeconds).toBe(45);
  expect(c.queryTimeoutSeconds).toBe(60);
  expect(ANSWER_TIMEOUT_MS).toBe(45_000);
  expect(QUERY_TIMEOUT_MS).toBe(60_000);
  expect(botWaitMs()).toBe(50_000);
  expect(botWaitMs(10_000)).toBe(15_000);
});

test('no other source file has its own answer or query timeout default', () => {
  const offenders = sources(join(__dirname, '../../src'))
    .filter((f) => !f.endsWith('timeouts.ts'))
    .filter((f) =>
      /(?:timeout\w*|Timeout\w*)\s*(?:\?\?|=|:)\s*(?:120|45|60)_?000\b|\?\?\s*(?:120|45)_?000\b/.test(
        readFileSync(f, 'utf8'),
      ),
    );
  expect(offenders).toEqual([]);
});
