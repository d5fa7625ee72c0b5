/**
 * Card buttons reach the bot two ways: an `adaptiveCard/action` invoke (Action.Execute) or, from clients
 * without Universal Actions, a message whose `value` holds the same data (Action.Submit). Both are
 * verified and parsed once and routed by verb to one handler. A handler says what happened as an
 * ActionReply; each entry point turns that into its own kind of answer.
 */
import type { AdaptiveCardInvokeResponse } from 'botbuilder';
import { CARD_CONTENT_TYPE, type AdaptiveCard } from '../cards';
import type { Command } from '../commands/types';
import type { ActionVerb } from './activity';

/** How the action arrived. */
export interface ActionEntry {
  /** A Universal Actions auto-refresh: the viewer's client asked, not a person pressing a button. */
  automatic: boolean;
  /** How long the turn may wait to return the answer itself; 0 when nothing waits for a response (Action.Submit). */
  waitMs: number;
}

/** A card action whose signature verified and whose command parsed. */
export interface CardAction extends ActionEntry {
  verb: ActionVerb;
  command: Command;
}

export type ActionReply =
  /** A card for the person who pressed: the invoke's response (it takes the pressed card's place), else a new message. */
  | { kind: 'card'; card: AdaptiveCard }
  /** A card posted as a new message, leaving the pressed card alone; `note` answers the invoke. */
  | { kind: 'post'; card: AdaptiveCard; note: string }
  /** The handler already posted what the user sees (a running card that becomes the answer); `note` answers the invoke. */
  | { kind: 'started'; note: string }
  /** A short message for the person who pressed. */
  | { kind: 'text'; text: string }
  /** Not acted on: 400 for the invoke, a message for Action.Submit. */
  | { kind: 'refused'; text: string };

export function invokeCard(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: CARD_CONTENT_TYPE, value: card };
}

export function invokeMessage(text: string): AdaptiveCardInvokeResponse {
  return {
    statusCode: 200,
    type: 'application/vnd.microsoft.activity.message',
    // The invoke response type declares `value` an object; a message response carries plain text.
    value: text as unknown as Record<string, unknown>,
  };
}

export function invokeError(status: number, code: string, message: string): AdaptiveCardInvokeResponse {
  return { statusCode: status, type: 'application/vnd.microsoft.error', value: { code, message } };
}
