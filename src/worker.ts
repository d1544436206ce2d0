import type { Config } from './config.js';
import { createGatewayDelivery } from './infra/delivery.js';
import { createLogger } from './infra/pino-logger.js';
import { connectRedis } from './infra/redis/redis-connection.js';
import { RedisLock } from './infra/redis/redis-lock.js';
import { createRedisStores } from './infra/stores.js';
import { ChainedKeyedMutex } from './services/sending/keyed-mutex.js';
import { SendService } from './services/sending/send-service.js';
import { loadTemplatesFile, TemplateRegistry } from './services/templates/index.js';
import { TemplateCatalog } from './services/templates/template-catalog.js';
import { createWeChatStack } from './services/wechat/wechat-stack.js';
import type { Logger } from './shared/logger.js';

export interface WorkerProcess {
  appId: string;
  /** Stops taking jobs, lets the running ones finish, closes connections. */
  close(): Promise<void>;
}

/**
 * The pieces a queue worker needs (stores, WeChat, templates, the per-user lock) without the
 * HTTP side: the worker-only process of GATEWAY_ROLE=worker.
 */
export async function startWorker(
  config: Config,
  deps: { logger?: Logger } = {},
): Promise<WorkerProcess> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const { appId, appSecret } = config.wechat;
  if (!config.redisUrl || appId === null || appSecret === null) {
    throw new Error(
      'a worker process needs REDIS_URL (the shared queue) and WECHAT_APP_ID/WECHAT_APP_SECRET',
    );
  }
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse())
      await closer().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  try {
    const redis = await connectRedis({
      url: config.redisUrl,
      onError: (error) => logger.warn({ err: { message: error.message } }, 'redis error'),
    });
    closers.push(() => redis.close());
    const stores = createRedisStores(redis, config.redisPrefix);
    const stack = createWeChatStack({
      apiBase: config.wechat.apiBase,
      appId,
      appSecret,
      tokenMode: config.wechat.tokenMode,
      logger,
      redis,
      prefix: config.redisPrefix,
      transport: config.wechat.transport,
    });
    closers.push(() => stack.close());
    const catalog = new TemplateCatalog(
      new TemplateRegistry(
        config.templatesFile ? await loadTemplatesFile(config.templatesFile) : [],
      ),
    );
    if (config.templatesSync)
      await catalog.sync({ getTemplates: () => stack.wechat.getTemplates() });
    const userMutex = new ChainedKeyedMutex(new RedisLock(redis, config.redisPrefix));
    const sending = new SendService({
      appId,
      catalog,
      sender: stack.wechat,
      ledger: stores.ledger,
      messages: stores.messages,
      idempotency: stores.idempotency,
      userMutex,
      quotaPolicy: config.quotaPolicy,
      logger,
    });
    const delivery = await createGatewayDelivery(config, {
      appId,
      redis,
      stores,
      catalog,
      sender: stack.wechat,
      sending,
      userMutex,
      logger,
    });
    closers.push(() => delivery.close());
    return { appId, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The process boundary of a worker: starts it, says so, and on SIGTERM/SIGINT stops taking jobs,
 * finishes the sends in flight and exits 0.
 */
export async function runWorkerProcess(config: Config): Promise<void> {
  const worker = await startWorker(config);
  const { sendRateLimit, workerConcurrency } = config.delivery;
  console.log(
    `wechat-subscribe-gateway worker for app ${worker.appId}: ${workerConcurrency} concurrent sends, at most ${sendRateLimit.max} per ${sendRateLimit.perSeconds} s across all processes`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing the sends in flight, then exiting`);
    worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
