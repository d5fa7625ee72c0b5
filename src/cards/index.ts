export {
  renderReply,
  renderRunningCard,
  renderKqlCard,
  cardAttachment,
  cardBytes,
  expand,
  CardRenderError,
  CARD_BUDGET_BYTES,
  MIN_DETAILED,
  CARD_CONTENT_TYPE,
  type AdaptiveCard,
} from './render';
export { cardToText } from './text';
