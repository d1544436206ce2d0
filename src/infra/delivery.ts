import type { AppConfig, Config } from '../config.js';
import type { Logger } from '../shared/logger.js';
import type { Observer } from '../shared/observer.js';
import { MemoryLock } from '../shared/lock.js';
import { startDelivery, type Delivery } from '../services/delivery/start-delivery.js';
import type { KeyedMutex } from '../services/sending/keyed-mutex.js';
import type { SendService, SubscribeMessageSender } from '../services/sending/send-service.js';
import type { TemplateCatalog } from '../services/templates/template-catalog.js';
import { connectQueueRedis } from './redis/queue-connection.js';
import type { RedisClient } from './redis/redis-connection.js';
import { RedisLock } from './redis/redis-lock.js';
import type { Stores } from './stores.js';

export interface DeliveryParts {
  appId: string;
  redis: RedisClient | undefined;
  stores: Stores;
  catalog: TemplateCatalog;
  sender: SubscribeMessageSender;
  sending: SendService;
  /** The same per-user lock as direct sends: WeChat refuses concurrent sends to one user. */
  userMutex: KeyedMutex;
  logger: Logger;
  observer?: Observer;
}

/**
 * The delivery engine from the config: BullMQ when REDIS_URL is set (its own connections, keys
 * under REDIS_PREFIX), in-process otherwise. Workers and the sweeper run unless GATEWAY_ROLE=api.
 */
export function createGatewayDelivery(
  config: Config,
  app: AppConfig,
  parts: DeliveryParts,
): Promise<Delivery> {
  const redisUrl = config.redisUrl;
  let lastError = '';
  const onError = (error: Error) => {
    if (error.message !== lastError)
      parts.logger.warn({ err: { message: error.message } }, 'delivery queue redis error');
    lastError = error.message;
  };
  return startDelivery({
    appId: parts.appId,
    messages: parts.stores.messages,
    ledger: parts.stores.ledger,
    recurring: parts.stores.recurring,
    catalog: parts.catalog,
    sender: parts.sender,
    sending: parts.sending,
    userMutex: parts.userMutex,
    quotaPolicy: app.quotaPolicy,
    logger: parts.logger,
    observer: parts.observer,
    queue:
      redisUrl && parts.redis
        ? { prefix: config.redisPrefix, connect: () => connectQueueRedis(redisUrl, onError) }
        : null,
    lock: parts.redis
      ? new RedisLock({ client: parts.redis, prefix: config.redisPrefix })
      : new MemoryLock(),
    rateLimit: app.sendRateLimit,
    concurrency: config.delivery.workerConcurrency,
    runWorkers: config.delivery.role !== 'api',
  });
}
