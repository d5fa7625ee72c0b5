/**
 * Chat text -> Command. The grammar lives in ./grammar (intents, slots and a synonym table, see
 * docs/commands.md); this module keeps the entry points the rest of the bot uses.
 */
import type { ParseContext, ParseOutcome } from './types';
import { understand } from './grammar/understand';

export { NAME_TOKEN, editDistance } from './grammar/text';

export function parseCommand(text: string, ctx: ParseContext): ParseOutcome {
  return understand(text, ctx);
}
