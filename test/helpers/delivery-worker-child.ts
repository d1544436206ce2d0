// A delivery worker in a process of its own, for crash tests: works the BullMQ queue of one app
// against the WeChat stub, with a short job lock so a killed worker's job is reclaimed quickly.
// Env: STUB_URL, APP_ID, APP_SECRET, REDIS_URL, PREFIX, LOCK_MS. Prints "ready" once taking jobs;
// SIGTERM finishes the running jobs and exits 0.
import { connectQueueRedis } from '../../src/infra/redis/queue-connection.js';
import { RedisLock } from '../../src/infra/redis/redis-lock.js';
import { createRedisStores } from '../../src/infra/stores.js';
import { startDelivery } from '../../src/services/delivery/start-delivery.js';
import { ChainedKeyedMutex } from '../../src/services/sending/keyed-mutex.js';
import { SendService } from '../../src/services/sending/send-service.js';
import { TemplateRegistry } from '../../src/services/templates/index.js';
import { TemplateCatalog } from '../../src/services/templates/template-catalog.js';
import { createWeChatStack } from '../../src/services/wechat/wechat-stack.js';
import type { Logger } from '../../src/shared/logger.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`delivery-worker-child needs ${name}`);
  return value;
};

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
} as unknown as Logger;

const redisUrl = env('REDIS_URL');
const prefix = env('PREFIX');
const appId = env('APP_ID');
const redis = await connectQueueRedis(redisUrl);
const stores = createRedisStores(redis, prefix);
const stack = createWeChatStack({
  apiBase: env('STUB_URL'),
  appId,
  appSecret: env('APP_SECRET'),
  tokenMode: 'stable',
  logger: silent,
  redis,
  prefix,
  transport: 'undici',
});
const catalog = new TemplateCatalog(new TemplateRegistry([]));
const userMutex = new ChainedKeyedMutex({ shared: new RedisLock({ client: redis, prefix }) });
const sending = new SendService({
  appId,
  catalog,
  sender: stack.wechat,
  ledger: stores.ledger,
  messages: stores.messages,
  idempotency: stores.idempotency,
  userMutex,
  quotaPolicy: 'track',
  logger: silent,
});
const delivery = await startDelivery({
  appId,
  messages: stores.messages,
  ledger: stores.ledger,
  recurring: stores.recurring,
  catalog,
  sender: stack.wechat,
  sending,
  userMutex,
  quotaPolicy: 'track',
  logger: silent,
  queue: { prefix, connect: () => connectQueueRedis(redisUrl) },
  lock: new RedisLock({ client: redis, prefix }),
  rateLimit: { max: 100, perSeconds: 1 },
  concurrency: 4,
  runWorkers: true,
  lockDurationMs: Number(env('LOCK_MS')),
});
process.on('SIGTERM', () => {
  void delivery
    .close()
    .then(() => stack.close())
    .then(() => redis.close())
    .then(() => process.exit(0));
});
process.stdout.write('ready\n');
