import { MemoryCampaignStore } from '../services/campaigns/memory-campaign-store.js';
import { RedisCampaignStore } from '../services/campaigns/redis-campaign-store.js';
import type { CampaignStore } from '../services/campaigns/campaign-store.js';
import type { RedisClient } from './redis/redis-connection.js';

/** Campaigns live beside the other stores: in Redis under REDIS_PREFIX, or in this process. */
export function createCampaignStore(redis: RedisClient | undefined, prefix: string): CampaignStore {
  return redis ? new RedisCampaignStore(redis, prefix) : new MemoryCampaignStore();
}
