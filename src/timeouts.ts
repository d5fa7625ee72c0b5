/**
 * Every timeout default, in one place. ANSWER_TIMEOUT_SECONDS and QUERY_TIMEOUT_SECONDS override the first
 * two; everything else is derived, so the parts of the bot can never disagree about how long to wait.
 */

/** How long a command may take before the user gets an explained timeout (ANSWER_TIMEOUT_SECONDS). */
export const ANSWER_TIMEOUT_MS = 45_000;

/** Server-side limit sent to Log Analytics with each query (`Prefer: wait=`; QUERY_TIMEOUT_SECONDS). */
export const QUERY_TIMEOUT_MS = 60_000;

/**
 * The bot waits this much longer than the answer budget before it gives up itself: the triage answers at
 * its budget with the better explanation (which query, which KQL), and the bot's limit is only a backstop.
 */
const BOT_BACKSTOP_MS = 5_000;

/** How long the bot (and a pinned card's refresh) waits for an answer with the given budget. */
export function botWaitMs(answerTimeoutMs: number = ANSWER_TIMEOUT_MS): number {
  return answerTimeoutMs + BOT_BACKSTOP_MS;
}
