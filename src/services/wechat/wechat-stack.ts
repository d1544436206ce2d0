import type { TokenMode } from '../../config.js';
import type { Logger } from '../../shared/logger.js';
import type { Observer } from '../../shared/observer.js';
import { createKeyv } from '../../infra/redis/keyv-factory.js';
import { MemoryLock } from '../../shared/lock.js';
import type { RedisClient } from '../../infra/redis/redis-connection.js';
import { RedisLock } from '../../infra/redis/redis-lock.js';
import {
  AccessTokenService,
  type AccessTokenServiceOptions,
} from './token/access-token-service.js';
import { TokenStore } from './token/token-store.js';
import type { CredentialSettings } from './client/errcodes.js';
import { createGotTransport } from './client/got-transport.js';
import type { HttpTransport } from './client/http-transport.js';
import { createUndiciTransport } from './client/undici-transport.js';
import { WeChatClient } from './client/wechat-client.js';
import { WeChatService, type WeChatServiceOptions } from './wechat-service.js';

export type TransportKind = 'got' | 'undici';

export interface WeChatStackOptions {
  apiBase: string;
  appId: string;
  appSecret: string;
  /** Where the operator sets appId and appSecret: named when WeChat refuses them. */
  credentialSettings?: CredentialSettings;
  tokenMode: TokenMode;
  logger: Logger;
  /** Receives call timings and token fetch outcomes; none recorded when absent. */
  observer?: Observer;
  /** Shared storage for tokens and the refresh lock; in-process when absent. */
  redis?: RedisClient;
  prefix: string;
  transport?: TransportKind | HttpTransport;
  token?: Partial<
    Omit<AccessTokenServiceOptions, 'mode' | 'fetcher' | 'store' | 'lock' | 'logger'>
  >;
  service?: WeChatServiceOptions;
}

export interface WeChatStack {
  client: WeChatClient;
  tokens: AccessTokenService;
  wechat: WeChatService;
  close(): Promise<void>;
}

/** Wires client, token service and send service for one app id: used by the app and by workers. */
export function createWeChatStack(options: WeChatStackOptions): WeChatStack {
  const transport =
    typeof options.transport === 'object'
      ? options.transport
      : options.transport === 'undici'
        ? createUndiciTransport({ baseUrl: options.apiBase })
        : createGotTransport({ baseUrl: options.apiBase });
  const logger = options.logger.child({ appId: options.appId });
  const client = new WeChatClient({
    transport,
    credentials: { appId: options.appId, appSecret: options.appSecret },
    logger,
    observer: options.observer,
  });
  const keyv = createKeyv({ redis: options.redis, namespace: options.prefix });
  const tokens = new AccessTokenService({
    ...options.token,
    mode: options.tokenMode,
    credentialSettings: options.credentialSettings,
    fetcher: client,
    store: new TokenStore({ keyv, logger }),
    lock: options.redis
      ? new RedisLock({ client: options.redis, prefix: options.prefix })
      : new MemoryLock(),
    logger,
    observer: options.observer,
  });
  const wechat = new WeChatService({ client, tokens, logger, options: options.service });
  return {
    client,
    tokens,
    wechat,
    close: () => transport.close(),
  };
}
