export {
  PushError,
  pushErrorStatus,
  type PushErrorReason,
  type PushErrorStatus,
} from './push-error.js';
export { pushSignature, signaturesEqual } from './signature.js';
export { PushCrypto } from './push-crypto.js';
export {
  detectFormat,
  parseEnvelope,
  parseJsonDocument,
  parseXmlDocument,
  type PushDocument,
  type PushFormat,
} from './envelope.js';
export { normalizeEvent } from './normalize-event.js';
export {
  CHANGE_EVENT,
  POPUP_EVENT,
  SENT_EVENT,
  type ChangeItem,
  type PopupItem,
  type SentItem,
  type SubscribeEvent,
} from './subscribe-event.js';
export { type PushDedup } from './dedup-store/push-dedup.js';
export { MemoryPushDedup } from './dedup-store/memory-push-dedup.js';
export { checkFreshness, verifyUrlSignature, type SignedQuery } from './verify-request.js';
export {
  createPushHandler,
  pushDedupKey,
  type PushEventSink,
  type PushHandler,
  type PushHandlerDeps,
  type PushRequest,
  type PushResponse,
} from './handler.js';
