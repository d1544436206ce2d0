import { expect, it } from '@jest/globals';
import { RedisCampaignStore } from '../../../../src/services/campaigns/redis-campaign-store.js';
import { MemoryCampaignStore } from '../../../../src/services/campaigns/memory-campaign-store.js';
import { campaign, campaignStoreContract } from '../../../contracts/campaign-store.contract.js';
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
      store: new RedisCampaignStore({ client, prefix, appId: 'wxcontract0000001' }),
      close: async () => {
        await deletePrefix(client, prefix);
        await client.close();
      },
    };
  }),
);

describeRedis('Redis campaign keys', () => {
  it('all carry the app’s hash tag, so one app’s campaigns share a Redis Cluster slot', async () => {
    const client = await connectTestRedis();
    const prefix = uniquePrefix('campaign-keys');
    try {
      const store = new RedisCampaignStore({ client, prefix, appId: 'wxcontract0000001' });
      await store.create(campaign(), ['oUserA', 'oUserB']);
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${prefix}:*` })) keys.push(...batch);
      expect(keys.length).toBeGreaterThanOrEqual(4);
      expect(keys.filter((k) => !k.startsWith(`${prefix}:{wxcontract0000001}:campaigns:`))).toEqual(
        [],
      );
    } finally {
      await deletePrefix(client, prefix);
      await client.close();
    }
  });
});
