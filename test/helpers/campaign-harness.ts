import { connectQueueRedis } from '../../src/infra/redis/queue-connection.js';
import type { RedisClient } from '../../src/infra/redis/redis-connection.js';
import { RedisLock } from '../../src/infra/redis/redis-lock.js';
import { createCampaignStore } from '../../src/infra/campaigns.js';
import { CampaignStatusGate } from '../../src/services/campaigns/campaign-gate.js';
import type {
  CampaignRecord,
  CampaignStatus,
  CampaignStore,
} from '../../src/services/campaigns/campaign-store.js';
import { startCampaigns, type Campaigns } from '../../src/services/campaigns/start-campaigns.js';
import { MemoryLock } from '../../src/shared/lock.js';
import {
  startDeliveryHarness,
  type DeliveryHarness,
  type EngineChoice,
  type HarnessOptions,
} from './delivery-harness.js';
import { deletePrefix, testRedisUrl, uniquePrefix } from './redis.js';
import { startWeChatStub } from './wechat-stub.js';

export interface CampaignHarness extends DeliveryHarness {
  campaignStore: CampaignStore;
  campaigns: Campaigns;
  /** Gives each openid one credit (one ACCEPT) for the harness template. */
  grantCredits(openids: readonly string[]): Promise<void>;
  /** Polls until the campaign matches (20 s at most). */
  waitForCampaign(
    id: string,
    done: (c: CampaignRecord) => boolean,
    what?: string,
  ): Promise<CampaignRecord>;
  waitForStatus(id: string, status: CampaignStatus): Promise<CampaignRecord>;
}

/** The delivery harness with campaigns wired as the gateway wires them. */
export async function startCampaignHarness(
  kind: EngineChoice,
  options: HarnessOptions & { tickMs?: number } = {},
): Promise<CampaignHarness> {
  const prefix = options.prefix ?? uniquePrefix('campaign');
  let redis: RedisClient | undefined;
  if (kind === 'bullmq') redis = await connectQueueRedis(testRedisUrl!);
  const stub = options.stub ?? (await startWeChatStub());
  const campaignStore = createCampaignStore(redis, prefix, stub.appId);
  const h = await startDeliveryHarness(kind, {
    ...options,
    stub,
    prefix,
    processor: { ...options.processor, campaignGate: new CampaignStatusGate(campaignStore, 50) },
  });
  const campaigns = startCampaigns({
    appId: h.appId,
    store: campaignStore,
    messages: h.stores.messages,
    ledger: h.stores.ledger,
    sending: h.sending,
    engine: h.delivery.engine,
    lock: redis ? new RedisLock({ client: redis, prefix }) : new MemoryLock(),
    logger: h.logger,
    runWorkers: options.runWorkers ?? true,
    tickMs: options.tickMs ?? 20,
  });
  const waitForCampaign = async (
    id: string,
    done: (c: CampaignRecord) => boolean,
    what = 'the expected state',
  ) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const campaign = await campaignStore.get(id);
      if (campaign && done(campaign)) return campaign;
      if (Date.now() > deadline)
        throw new Error(`campaign ${id} is ${campaign?.status ?? 'missing'}, not ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  return {
    ...h,
    campaignStore,
    campaigns,
    grantCredits: async (openids) => {
      for (const openid of openids)
        await h.stores.ledger.record(
          { appId: h.appId, openid, templateId: h.templateId },
          { status: 'ACCEPT', longTerm: false, source: 'client', at: new Date() },
        );
    },
    waitForCampaign,
    waitForStatus: (id, status) => waitForCampaign(id, (c) => c.status === status, status),
    close: async () => {
      await campaigns.close();
      await h.close();
      // The stub is made here (the campaign store needs its app id) unless the caller gave one.
      if (!options.stub) await stub.close();
      if (redis) {
        if (!options.prefix) await deletePrefix(redis, prefix);
        await redis.close();
      }
    },
  };
}
