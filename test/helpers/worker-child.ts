// A delivery worker in a process of its own, for crash tests: works one app's BullMQ queue against
// the WeChat stub, with a short job lock so a killed worker's job is reclaimed quickly.
// Env: STUB_URL, APP_ID, APP_SECRET, REDIS_URL, PREFIX, LOCK_MS. Prints "ready" once taking jobs.
// With CAMPAIGN_OPENIDS and CAMPAIGN_RATE it drives campaigns too: on start it creates (or,
// restarted, finds by its key) a campaign to CAMPAIGN_OPENIDS openids `oCrash<n>` at
// CAMPAIGN_RATE, and prints "campaign <id>" instead of "ready".
// SIGTERM finishes the running jobs and exits 0.
import { createCampaignStore } from '../../src/infra/campaigns.js';
import { connectQueueRedis } from '../../src/infra/redis/queue-connection.js';
import { RedisLock } from '../../src/infra/redis/redis-lock.js';
import { createRedisStores } from '../../src/infra/stores.js';
import { CampaignStatusGate } from '../../src/services/campaigns/campaign-gate.js';
import { startCampaigns } from '../../src/services/campaigns/start-campaigns.js';
import { ChainedKeyedMutex } from '../../src/services/sending/keyed-mutex.js';
import { TemplateRegistry } from '../../src/services/templates/index.js';
import { TemplateCatalog } from '../../src/services/templates/template-catalog.js';
import { createWeChatStack } from '../../src/services/wechat/wechat-stack.js';
import { silentLogger } from '../../src/shared/logger.js';
import { startSendingAndDelivery } from './send-and-deliver.js';
import { templateWith } from './templates.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`worker-child needs ${name}`);
  return value;
};

const CRASH_TEMPLATE = templateWith('thing1');
const crashOpenid = (n: number) => `oCrash${n}`;

const redisUrl = env('REDIS_URL');
const prefix = env('PREFIX');
const appId = env('APP_ID');
const lockMs = Number(env('LOCK_MS'));
const redis = await connectQueueRedis(redisUrl);
const stores = createRedisStores(redis, prefix);
const campaignRun =
  process.env['CAMPAIGN_OPENIDS'] === undefined
    ? null
    : {
        openids: Number(env('CAMPAIGN_OPENIDS')),
        rate: Number(env('CAMPAIGN_RATE')),
        store: createCampaignStore(redis, prefix, appId),
      };
const stack = createWeChatStack({
  apiBase: env('STUB_URL'),
  appId,
  appSecret: env('APP_SECRET'),
  tokenMode: 'stable',
  logger: silentLogger,
  redis,
  prefix,
  transport: 'undici',
});
// Creating a campaign checks its template; a plain worker only sends what the API side checked.
const catalog = new TemplateCatalog(new TemplateRegistry(campaignRun ? [CRASH_TEMPLATE] : []));
const lock = new RedisLock({ client: redis, prefix });
const userMutex = new ChainedKeyedMutex({ shared: lock });
const { sending, delivery } = await startSendingAndDelivery(
  {
    appId,
    stores,
    catalog,
    sender: stack.wechat,
    userMutex,
    quotaPolicy: 'track',
    logger: silentLogger,
  },
  {
    queue: { prefix, connect: () => connectQueueRedis(redisUrl) },
    lock,
    concurrency: 4,
    runWorkers: true,
    lockDurationMs: lockMs,
    ...(campaignRun
      ? {
          // The campaign paces itself; a killed worker's SENDING messages settle within the test.
          rateLimit: { max: 1000, perSeconds: 1 },
          sendingLeaseMs: lockMs * 3,
          sweepIntervalMs: lockMs * 2,
          processor: { campaignGate: new CampaignStatusGate(campaignRun.store, 50) },
        }
      : { rateLimit: { max: 100, perSeconds: 1 } }),
  },
);

async function startCrashCampaign(run: NonNullable<typeof campaignRun>) {
  const campaigns = startCampaigns({
    appId,
    store: run.store,
    messages: stores.messages,
    ledger: stores.ledger,
    sending,
    engine: delivery.engine,
    lock,
    logger: silentLogger,
    runWorkers: true,
    tickMs: 20,
    lockTtlMs: lockMs,
  });
  const campaign = await campaigns.service.create({
    key: 'crash-test',
    templateId: CRASH_TEMPLATE.id,
    data: { thing1: '新品上架' },
    audience: { openids: Array.from({ length: run.openids }, (_, i) => crashOpenid(i)) },
    ratePerSecond: run.rate,
  });
  return { id: campaign.id, close: () => campaigns.close() };
}

const campaign = campaignRun ? await startCrashCampaign(campaignRun) : null;
process.on('SIGTERM', () => {
  void Promise.resolve(campaign?.close())
    .then(() => delivery.close())
    .then(() => stack.close())
    .then(() => redis.close())
    .then(() => process.exit(0));
});
process.stdout.write(campaign ? `campaign ${campaign.id}\n` : 'ready\n');
