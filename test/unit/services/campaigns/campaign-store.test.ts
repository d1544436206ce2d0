import { RedisCampaignStore } from '../../../../src/services/campaigns/redis-campaign-store.js';
import { MemoryCampaignStore } from '../../../../src/services/campaigns/memory-campaign-store.js';
import { campaignStoreContract } from '../../../contracts/campaign-store.contract.js';
import {
  connectTestRedis,
  deletePrefix,
  describeRedis,
  uniquePrefix,
} from '../../../helpers/redis.js';

campaignStoreContract('memory', async () => ({
  store: new MemoryCampaignStore(),
  close: async () => undefined,
}));

describeRedis('on Redis', () =>
  campaignStoreContract('redis', async () => {
    const client = await connectTestRedis();
    const prefix = uniquePrefix('campaign-store');
    return {
      store: new RedisCampaignStore(client, prefix),
      close: async () => {
        await deletePrefix(client, prefix);
        await client.close();
      },
    };
  }),
);
