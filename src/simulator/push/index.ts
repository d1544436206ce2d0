export {
  PushSender,
  WECHAT_PUSH_ATTEMPTS,
  WECHAT_PUSH_TIMEOUT_MS,
  type PushDelivery,
  type PushSenderOptions,
  type SimulatorPushHooks,
} from './push-sender.js';
export { sealPush, type PushMode, type SealedPush, type SealOptions } from './seal-push.js';
export { renderEncryptedEnvelope, renderPushBody, type PushBodyFormat } from './render-push.js';
export {
  changePush,
  popupPush,
  sentPush,
  type SubscribePush,
  type SubscribePushEvent,
} from './subscribe-push.js';
export { sandboxOriginalId } from './original-id.js';
export { DistinctCreateTimes } from './distinct-create-times.js';
