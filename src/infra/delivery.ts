import type { AppConfig, Config } from '../config.js';
import type { Logger } from '../shared/logger.js';
import type { Observer } from '../shared/observer.js';
import { MemoryLock } from '../shared/lock.js';
import { startDelivery, type Delivery } from '../services/delivery/start-delivery.js';
import { CampaignStatusGate } from '../services/campaigns/campaign-gate.js';
import { startCampaigns, type Campaigns } from '../services/campaigns/start-campaigns.js';
import { createCampaignStore } from './campaigns.js';
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

/** The engine with the app's campaigns on top (bulk sends ride the same queue). */
export interface GatewayDelivery extends Delivery {
  campaigns: Campaigns;
}

/**
 * The delivery engine from the config: BullMQ when REDIS_URL is set (its own connections, keys
 * under REDIS_PREFIX), in-process otherwise. Workers, the sweeper and the campaign runner run
 * unless GATEWAY_ROLE=api.
 */
export async function createGatewayDelivery(
  config: Config,
  app: AppConfig,
  parts: DeliveryParts,
): Promise<GatewayDelivery> {
  const campaignStore = createCampaignStore(parts.redis, config.redisPrefix, parts.appId);
  const lock = parts.redis
    ? new RedisLock({ client: parts.redis, prefix: config.redisPrefix })
    : new MemoryLock();
  const runWorkers = config.delivery.role !== 'api';
  const delivery = await startEngine(config, app, parts, campaignStore, lock, runWorkers);
  const campaigns = startCampaigns({
    appId: parts.appId,
    store: campaignStore,
    messages: parts.stores.messages,
    ledger: parts.stores.ledger,
    sending: parts.sending,
    engine: delivery.engine,
    lock,
    logger: parts.logger,
    runWorkers,
  });
  return {
    ...delivery,
    campaigns,
    close: async () => {
      await campaigns.close();
      await delivery.close();
    },
  };
}

function startEngine(
  config: Config,
  app: AppConfig,
  parts: DeliveryParts,
  campaignStore: ReturnType<typeof createCampaignStore>,
  lock: RedisLock | MemoryLock,
  runWorkers: boolean,
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
    sentRecorder: parts.stores.sentRecorder,
    userMutex: parts.userMutex,
    quotaPolicy: app.quotaPolicy,
    logger: parts.logger,
    observer: parts.observer,
    queue:
      redisUrl && parts.redis
        ? { prefix: config.redisPrefix, connect: () => connectQueueRedis(redisUrl, onError) }
        : null,
    lock,
    rateLimit: app.sendRateLimit,
    concurrency: config.delivery.workerConcurrency,
    runWorkers,
    // Pauses and cancels of a campaign reach its queued sends through the processor.
    processor: { campaignGate: new CampaignStatusGate(campaignStore) },
  });
}
