import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import type { RedisClient } from './redis-connection.js';

/**
 * Keyv for small shared values (tokens, force-refresh bookkeeping). On Redis, errors are thrown
 * rather than swallowed so callers can tell "absent" from "unreachable".
 */
export function createKeyv(options: { redis?: RedisClient; namespace: string }): Keyv {
  const keyv = options.redis
    ? new Keyv({
        store: new KeyvRedis(options.redis as never, {
          namespace: options.namespace,
          throwOnErrors: true,
          throwOnConnectError: false,
        }),
        namespace: options.namespace,
        useKeyPrefix: false,
        throwOnErrors: true,
      })
    : new Keyv({ namespace: options.namespace, throwOnErrors: true });
  // Errors reach callers as rejections; the event would otherwise count as unhandled.
  keyv.on('error', () => undefined);
  return keyv;
}
