/**
 * The phrasing corpus as a test. A fifth of it (isHeldOut) was set aside before the grammar was written
 * and is only ever scored, never listed, so its accuracy says how the grammar does on phrasings it was
 * not built against.
 */
import { parseCommand } from '../../../src/commands/parse';
import { PHRASINGS } from './phrasings';
import { isHeldOut, scoreCorpus } from './score';

const score = scoreCorpus(parseCommand);

describe('phrasing corpus', () => {
  it('has at least 250 phrasings, a fifth of them held out', () => {
    expect(PHRASINGS.length).toBeGreaterThanOrEqual(250);
    const held = PHRASINGS.filter(([t]) => isHeldOut(t)).length;
    expect(held / PHRASINGS.length).toBeGreaterThan(0.15);
    expect(held / PHRASINGS.length).toBeLessThan(0.25);
    expect(new Set(PHRASINGS.map(([t]) => t)).size).toBe(PHRASINGS.length);
  });
  it('every phrasing the grammar was built against gives its command', () => {
    expect(score.seen.failures).toEqual([]);
  });
  it('at least 95% of the held-out phrasings give their command', () => {
    expect(score.heldOut.passed / score.heldOut.total).toBeGreaterThanOrEqual(0.95);
  });
  it('no phrasing that names an API, status or window loses it', () => {
    expect(score.lostSlots).toEqual([]);
  });
});
