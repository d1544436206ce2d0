export { createSimulator, CONTROL_PREFIX } from './create-simulator.js';
export type { Simulator } from './create-simulator.js';
export {
  DEFAULT_SEND_LATENCY_MS,
  DEFAULT_TOKEN_EXPIRES_IN_SECONDS,
  DEMO_APP_ID,
  DEMO_APP_SECRET,
  DEMO_PAGES,
} from './options.js';
export type { SimulatorOptions } from './options.js';
export { SimulatorState } from './state/simulator-state.js';
export type { PopupEvent } from './control/subscribe-tap.js';
export { SUBSCRIBE_STATUSES, MAX_TEMPLATES_PER_TAP } from './control/subscribe-tap.js';
export type { ChangeEvent } from './control/user-controls.js';
export type { SentEvent } from './messages/send-route.js';
export type { InboxMessage } from './messages/inbox.js';
export { FOREIGN_OPENIDS, OPENID_PATTERN, openIdForUser } from './users/openids.js';
export { FORCE_REFRESHES_PER_DAY } from './tokens/token-authority.js';
export { defaultTemplatesFile } from './default-templates-file.js';
