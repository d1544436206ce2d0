import { templatesFileSetting, type AppConfig, type Config } from '../config.js';
import { ChainedKeyedMutex } from '../services/sending/keyed-mutex.js';
import { SendService } from '../services/sending/send-service.js';
import {
  loadConfiguredTemplatesFile,
  loadTemplatesFile,
  TemplateRegistry,
} from '../services/templates/index.js';
import { TemplateCatalog } from '../services/templates/template-catalog.js';
import {
  createWeChatStack,
  type TransportKind,
  type WeChatStack,
} from '../services/wechat/wechat-stack.js';
import type { Logger } from '../shared/logger.js';
import type { Observer } from '../shared/observer.js';
import { createGatewayDelivery, type GatewayDelivery } from './delivery.js';
import type { RedisClient } from './redis/redis-connection.js';
import { RedisLock } from './redis/redis-lock.js';
import type { Stores } from './stores.js';

export interface AppSendingParts {
  config: Config;
  redis: RedisClient | undefined;
  stores: Stores;
  observer: Observer;
  /** The app's own logger. */
  logger: Logger;
  /** HTTP library behind the WeChat client; the config's unless told otherwise. */
  transport?: TransportKind;
  /** A stand-in WeChat (the sandbox's simulator): its credentials and base URL replace the app's. */
  standIn?: {
    wechat: { appId: string; appSecret: string; apiBase: string };
    /** Templates when the app names no file; the stand-in's list is always synced over them. */
    templatesFile: string;
  } | null;
  /** Registers a step to run at shutdown; steps run last-in first-out. */
  onClose: (step: () => Promise<unknown>) => void;
}

/** What one app sends with, in the gateway and in a worker process alike. */
export interface AppSending {
  appId: string;
  wechat: WeChatStack;
  catalog: TemplateCatalog;
  userMutex: ChainedKeyedMutex;
  sending: SendService;
  delivery: GatewayDelivery;
}

/**
 * One app's WeChat client, templates, per-user lock, direct sends and delivery engine, built the
 * same way wherever sends happen: a gateway and a worker-only process must agree on every setting
 * that two processes sending to one user rely on (the lock, its lease, the stores).
 */
export async function startAppSending(app: AppConfig, parts: AppSendingParts): Promise<AppSending> {
  const { config, redis, stores, observer, logger } = parts;
  const standIn = parts.standIn ?? null;
  const wechat = createWeChatStack({
    ...(standIn?.wechat ?? { appId: app.appId!, appSecret: app.appSecret!, apiBase: app.apiBase }),
    credentialSettings: app.credentialSettings,
    tokenMode: app.tokenMode,
    logger,
    observer,
    redis,
    prefix: config.redisPrefix,
    transport: parts.transport ?? config.transport,
  });
  parts.onClose(() => wechat.close());
  const catalog = await loadTemplates(
    app,
    standIn?.templatesFile ?? null,
    standIn !== null,
    wechat,
  );
  const appId = wechat.wechat.appId;
  const userMutex = new ChainedKeyedMutex({
    shared: redis ? new RedisLock({ client: redis, prefix: config.redisPrefix }) : undefined,
    // The same lease as the idempotency key: a crashed send frees its user as soon.
    ttlMs: config.operations.idempotencyLeaseSeconds * 1000,
  });
  const sending = new SendService({
    appId,
    catalog,
    sender: wechat.wechat,
    ledger: stores.ledger,
    messages: stores.messages,
    idempotency: stores.idempotency,
    sentRecorder: stores.sentRecorder,
    userMutex,
    quotaPolicy: app.quotaPolicy,
    logger,
    observer,
    idempotencyLeaseSeconds: config.operations.idempotencyLeaseSeconds,
  });
  const delivery = await createGatewayDelivery(config, app, {
    appId,
    redis,
    stores,
    catalog,
    sender: wechat.wechat,
    sending,
    userMutex,
    logger,
    observer,
  });
  parts.onClose(() => delivery.close());
  return { appId, wechat, catalog, userMutex, sending, delivery };
}

/** The app's templates file, then WeChat's own list when syncing (a stand-in always syncs). */
async function loadTemplates(
  app: AppConfig,
  fallbackFile: string | null,
  alwaysSync: boolean,
  wechat: WeChatStack,
): Promise<TemplateCatalog> {
  const templates =
    app.templatesFile !== null
      ? await loadConfiguredTemplatesFile(app.templatesFile, templatesFileSetting(app))
      : fallbackFile !== null
        ? await loadTemplatesFile(fallbackFile)
        : [];
  const catalog = new TemplateCatalog(new TemplateRegistry(templates));
  if (app.templatesSync || alwaysSync) {
    await catalog.sync({ getTemplates: () => wechat.wechat.getTemplates() });
  }
  return catalog;
}
