export {
  createPlayground,
  PlaygroundOptionsError,
  type Playground,
  type PlaygroundOptions,
  type PlaygroundTab,
} from './create-playground.js';
export type { AssetResponse } from './assets.js';
export { wantsPlayground } from './wants-playground.js';
