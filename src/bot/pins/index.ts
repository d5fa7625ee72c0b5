export { parsePinCommand, isPinText } from './pinCommand';
export { PinManager, PinLimitError, claimHoldFor } from './pinManager';
export { adapterDeliver, liveFooter, pinRender, withFooter, pinnedText, pinListText, unpinnedText } from './liveCard';
