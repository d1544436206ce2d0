import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from '@jest/globals';
import { createCampaignStore } from '../../../src/infra/campaigns.js';
import { connectQueueRedis } from '../../../src/infra/redis/queue-connection.js';
import type { RedisClient } from '../../../src/infra/redis/redis-connection.js';
import { createRedisStores } from '../../../src/infra/stores.js';
import { campaignProgress } from '../../../src/services/campaigns/campaign-progress.js';
import type { CampaignRecord } from '../../../src/services/campaigns/campaign-store.js';
import { startPrivateRedis, type PrivateRedis } from '../../helpers/private-redis.js';
import { deletePrefix, describeRedis, testRedisUrl, uniquePrefix } from '../../helpers/redis.js';
import { startWeChatStub, type WeChatStub } from '../../helpers/wechat-stub.js';
import { spawnTsProcess, until, WORKER_CHILD } from '../../helpers/worker-process.js';

const AUDIENCE = 60;

async function startWorker(env: Record<string, string>) {
  const running = await spawnTsProcess(WORKER_CHILD, env, /campaign (\S+)\n/);
  return { ...running, campaignId: running.ready[1]! };
}

describeRedis('a campaign across crashes (real processes, real Redis)', () => {
  let stub: WeChatStub | null = null;
  let privateRedis: PrivateRedis | null = null;
  let client: RedisClient | null = null;
  let prefix = '';
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    if (client && !privateRedis) await deletePrefix(client, prefix);
    await client?.close().catch(() => undefined);
    await privateRedis?.stop();
    await stub?.close();
    client = null;
    privateRedis = null;
    stub = null;
  });

  async function setUp(redisUrl: string) {
    stub = await startWeChatStub();
    prefix = uniquePrefix('campaign-crash');
    client = await connectQueueRedis(redisUrl);
    const env = {
      STUB_URL: stub.url,
      APP_ID: stub.appId,
      APP_SECRET: stub.appSecret,
      REDIS_URL: redisUrl,
      PREFIX: prefix,
      LOCK_MS: '1000',
      CAMPAIGN_OPENIDS: String(AUDIENCE),
      CAMPAIGN_RATE: '20',
    };
    const start = async () => {
      const worker = await startWorker(env);
      children.push(worker.child);
      return worker;
    };
    const stores = createRedisStores(client, prefix);
    const campaigns = createCampaignStore(client, prefix, stub.appId);
    return { stub, stores, campaigns, start };
  }

  /** Every recipient once at most at WeChat, and a final message each. */
  async function expectNoDoubleSends(
    stub: WeChatStub,
    stores: ReturnType<typeof createRedisStores>,
    campaign: CampaignRecord,
  ) {
    const sent = stub.sendLog.map((s) => s.touser);
    expect(new Set(sent).size).toBe(sent.length);
    const counts = await stores.messages.countByCampaign(campaign.appId, campaign.id);
    const progress = campaignProgress(campaign, counts);
    expect(progress.total).toBe(AUDIENCE);
    expect(progress.pending).toBe(0);
    expect(progress.sent + progress.unknown).toBe(AUDIENCE);
    return progress;
  }

  it('kill -9 of the worker mid-campaign, then a restart: nobody twice, interrupted sends UNKNOWN', async () => {
    const { stub, stores, campaigns, start } = await setUp(testRedisUrl!);
    stub.sendDelayMs = 40; // sends are in flight when the worker dies
    const first = await start();
    // Killed while WeChat holds a request it has not answered yet.
    await until(
      () => stub.sendLog.length >= 15 && stub.sendLog.length > stub.counts.sendOk,
      'some sends, one in flight',
      30_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = stub.sendLog.length;
    expect(atKill).toBeLessThan(AUDIENCE);

    const second = await start();
    expect(second.campaignId).toBe(first.campaignId); // the same key: the same campaign
    const id = first.campaignId;
    await until(async () => (await campaigns.get(id))?.status === 'COMPLETED', 'COMPLETED', 30_000);
    const campaign = (await campaigns.get(id))!;
    const progress = await expectNoDoubleSends(stub, stores, campaign);
    // The request in flight when the worker died is UNKNOWN, and was not sent again.
    const unknown = await stores.messages.list(
      campaign.appId,
      { campaignId: id, status: 'UNKNOWN' },
      { first: 100 },
    );
    expect(progress.unknown).toBeGreaterThanOrEqual(1);
    expect(unknown.items.length).toBe(progress.unknown);
    const requested = stub.sendLog.map((s) => s.touser);
    expect(unknown.items.some((m) => requested.includes(m.openid))).toBe(true);
  }, 60_000);

  it('Redis stopped for 10 s mid-campaign, then restarted: the campaign completes, no double sends', async () => {
    privateRedis = await startPrivateRedis({
      persistDir: mkdtempSync(join(tmpdir(), 'campaign-redis-')),
    });
    const { stub, stores, campaigns, start } = await setUp(privateRedis.url);
    const worker = await start();
    await until(() => stub.sendLog.length >= 10, 'some sends', 30_000);
    await privateRedis.stop();
    const atStop = stub.sendLog.length;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    expect(stub.sendLog.length - atStop).toBeLessThanOrEqual(4); // at most the sends in flight
    await privateRedis.start();
    const id = worker.campaignId;
    await until(
      async () => (await campaigns.get(id).catch(() => null))?.status === 'COMPLETED',
      'COMPLETED after the outage',
      45_000,
    );
    await expectNoDoubleSends(stub, stores, (await campaigns.get(id))!);
  }, 90_000);
});
