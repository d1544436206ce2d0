import type { QuotaPolicy } from '../../src/config.js';
import { connectQueueRedis } from '../../src/infra/redis/queue-connection.js';
import type { RedisClient } from '../../src/infra/redis/redis-connection.js';
import { RedisLock } from '../../src/infra/redis/redis-lock.js';
import { createMemoryStores, createRedisStores, type Stores } from '../../src/infra/stores.js';
import type { Delivery } from '../../src/services/delivery/start-delivery.js';
import type { MessageProcessorDeps } from '../../src/services/delivery/message-processor.js';
import type { MessageRecord, MessageStatus } from '../../src/services/messages/message-store.js';
import { ChainedKeyedMutex } from '../../src/services/sending/keyed-mutex.js';
import type { SendService } from '../../src/services/sending/send-service.js';
import { TemplateRegistry } from '../../src/services/templates/index.js';
import { TemplateCatalog } from '../../src/services/templates/template-catalog.js';
import { createWeChatStack, type WeChatStack } from '../../src/services/wechat/wechat-stack.js';
import { MemoryLock } from '../../src/shared/lock.js';
import { recordingLogger, type RecordingLogger } from './recording-logger.js';
import { deletePrefix, testRedisUrl, uniquePrefix } from './redis.js';
import { startSendingAndDelivery } from './send-and-deliver.js';
import { templateWith } from './templates.js';
import { startWeChatStub, type WeChatStub } from './wechat-stub.js';

export type EngineChoice = 'memory' | 'bullmq';

export interface DeliveryHarness {
  kind: EngineChoice;
  appId: string;
  templateId: string;
  stub: WeChatStub;
  stores: Stores;
  sending: SendService;
  delivery: Delivery;
  logger: RecordingLogger;
  /** Polls the log until the message reaches one of `statuses` (15 s at most). */
  waitFor(id: string, statuses: readonly MessageStatus[]): Promise<MessageRecord>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  quotaPolicy?: QuotaPolicy;
  runWorkers?: boolean;
  sendingLeaseMs?: number;
  processor?: Pick<MessageProcessorDeps, 'maxRetries' | 'random' | 'quotaReset' | 'campaignGate'>;
  rateLimit?: { max: number; perSeconds: number };
  /** Reuse a Redis prefix (another harness's keys), e.g. to play a second process. */
  prefix?: string;
  stub?: WeChatStub;
  /** Another Redis than the test tier's (a private one the test may stop). */
  redisUrl?: string;
}

/** One template with one `thing1` keyword (≤ 20 characters). */
export const TEMPLATE = templateWith('thing1');

/**
 * The delivery engine wired as the gateway wires it, against the loopback WeChat stub, on the
 * memory stores or on the real Redis under a prefix of its own.
 */
export async function startDeliveryHarness(
  kind: EngineChoice,
  options: HarnessOptions = {},
): Promise<DeliveryHarness> {
  const logger = recordingLogger();
  const stub = options.stub ?? (await startWeChatStub());
  const appId = stub.appId;
  const prefix = options.prefix ?? uniquePrefix('delivery');
  let redis: RedisClient | undefined;
  const redisUrl = options.redisUrl ?? testRedisUrl;
  if (kind === 'bullmq') {
    if (!redisUrl) throw new Error('the BullMQ engine needs the Redis tier');
    redis = await connectQueueRedis(redisUrl);
  }
  const stores = redis ? createRedisStores(redis, prefix) : createMemoryStores();
  const stack: WeChatStack = createWeChatStack({
    apiBase: stub.url,
    appId,
    appSecret: stub.appSecret,
    tokenMode: 'stable',
    logger,
    redis,
    prefix,
    transport: 'undici',
    service: { backoffMs: 1 },
  });
  const catalog = new TemplateCatalog(new TemplateRegistry([TEMPLATE]));
  const userMutex = new ChainedKeyedMutex({
    shared: redis ? new RedisLock({ client: redis, prefix }) : undefined,
  });
  const { sending, delivery } = await startSendingAndDelivery(
    {
      appId,
      stores,
      catalog,
      sender: stack.wechat,
      userMutex,
      quotaPolicy: options.quotaPolicy ?? 'track',
      logger,
    },
    {
      queue: redis ? { prefix, connect: () => connectQueueRedis(redisUrl!) } : null,
      lock: redis ? new RedisLock({ client: redis, prefix }) : new MemoryLock(),
      rateLimit: options.rateLimit ?? { max: 100, perSeconds: 1 },
      concurrency: 4,
      runWorkers: options.runWorkers ?? true,
      sendingLeaseMs: options.sendingLeaseMs,
      processor: { random: () => 0, ...options.processor },
    },
  );
  return {
    kind,
    appId,
    templateId: TEMPLATE.id,
    stub,
    stores,
    sending,
    delivery,
    logger,
    waitFor: async (id, statuses) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const message = await stores.messages.get(appId, id);
        if (message && statuses.includes(message.status)) return message;
        if (Date.now() > deadline)
          throw new Error(
            `message ${id} is ${message?.status ?? 'missing'}, not ${statuses.join('/')}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: async () => {
      await delivery.close();
      await stack.close();
      if (!options.stub) await stub.close();
      if (redis) {
        if (!options.prefix) await deletePrefix(redis, prefix);
        await redis.close();
      }
    },
  };
}
