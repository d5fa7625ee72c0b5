export {
  parsePinCommand,
  isPinText,
  DEFAULT_EVERY_MS,
  MIN_EVERY_MS,
  MAX_EVERY_MS,
  DEFAULT_LIFETIME_MS,
  MAX_LIFETIME_MS,
  type PinCommand,
} from './pinCommand';
export {
  PinManager,
  PinLimitError,
  statusOf,
  type PinManagerOptions,
  type PinInput,
  type PinPhase,
  type Deliver,
  type RenderPin,
} from './pinManager';
export { PinStore, INDEX_KEY, conversationKey, baseConversationId, type PinRecord } from './pinStore';
export {
  liveFooter,
  withFooter,
  adapterDeliver,
  pinRender,
  pinnedText,
  pinListText,
  unpinnedText,
  type ProactiveUpdater,
  type PinRenderDeps,
} from './liveCard';
