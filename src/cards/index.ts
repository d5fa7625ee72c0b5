export {
  renderReply,
  renderRunningCard,
  renderKqlCard,
  cardAttachment,
  cardBytes,
  fallbackCard,
  expand,
  CardRenderError,
  CARD_BUDGET_BYTES,
  CARD_CONTENT_TYPE,
  type AdaptiveCard,
  type RenderOptions,
  type TemplateName,
} from './render';
export { answerModel, errorModel, helpModel, runningModel, DEFAULT_LIMITS, type AnswerLimits } from './viewModel';
export { cardText, plainText, redactSecrets, commandText } from './sanitize';
export { cardToText } from './text';
