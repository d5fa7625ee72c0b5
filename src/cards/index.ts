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
  SIGNING_HEADROOM_BYTES,
  RENDER_BUDGET_BYTES,
  MIN_DETAILED,
  CARD_CONTENT_TYPE,
  type AdaptiveCard,
  type RenderOptions,
  type TemplateName,
} from './render';
export { answerModel, errorModel, helpModel, runningModel, DEFAULT_LIMITS, type AnswerLimits } from './viewModel';
export { cardText, plainText, commandText } from './sanitize';
export { cardToText } from './text';
export { sectionModel, columnLabel, columnWeights, COLUMN_LABELS, MAX_TABLE_COLUMNS } from './sections';
