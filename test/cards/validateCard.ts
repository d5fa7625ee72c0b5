/** Parses a card with the Adaptive Cards library (UMD bundle; the ESM lib does not load in Node) and lists problems. */
import type * as ACT from 'adaptivecards';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC: typeof ACT = require('adaptivecards/dist/adaptivecards.js');

export function validateCard(json: object): string[] {
  const ctx = new AC.SerializationContext();
  const card = new AC.AdaptiveCard();
  card.parse(json, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    problems.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of card.validateProperties().validationEvents) {
    problems.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  return problems;
}
