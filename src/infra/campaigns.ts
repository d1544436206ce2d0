import { MemoryCampaignStore } from '../services/campaigns/memory-campaign-store.js';
import { RedisCampaignStore } from '../services/campaigns/redis-campaign-store.js';
import type { CampaignStore } from '../services/campaigns/campaign-store.js';
import type { RedisClient } from './redis/redis-connection.js';

/**
 * One app's campaigns, beside the other stores: in Redis under REDIS_PREFIX with the app's hash
 * tag, or in this process.
 */
export function createCampaignStore(
  redis: RedisClient | undefined,
  prefix: string,
  appId: string,
): CampaignStore {
  return redis
    ? new RedisCampaignStore({ client: redis, prefix, appId })
    : new MemoryCampaignStore();
}
