import type { Config } from './config.js';
import {
  appHealthOf,
  createOperations,
  deliverySnapshotOf,
  type AppHealth,
} from './http/ops/create-operations.js';
import { serveOperations } from './http/ops/ops-server.js';
import { startAppSending } from './infra/app-sending.js';
import { withStatusWebhook } from './infra/status-webhook.js';
import { createLogger } from './infra/pino-logger.js';
import { connectRedis, warnOnNewError } from './infra/redis/redis-connection.js';
import { createRedisStores } from './infra/stores.js';
import type { Logger } from './shared/logger.js';
import type { DeliverySnapshot } from './shared/observer.js';

export interface WorkerProcess {
  /** The names of the apps whose queues this process works. */
  apps: string[];
  /** Where /healthz, /readyz and /metrics are served (WORKER_OPS_PORT). */
  opsUrl: string;
  /**
   * Fails readiness, closes the operations listener, then stops taking jobs, lets the running
   * ones finish and closes connections.
   */
  close(): Promise<void>;
}

/**
 * The pieces a queue worker needs (stores, WeChat, templates, the per-user lock) without the
 * API: the worker-only process of GATEWAY_ROLE=worker. Its only HTTP is the operations listener
 * (health, readiness, metrics), with the gateway's checks and metric names.
 */
export async function startWorker(
  config: Config,
  deps: { logger?: Logger } = {},
): Promise<WorkerProcess> {
  const logger = deps.logger ?? createLogger(config.logLevel, { format: config.logFormat });
  if (!config.redisUrl || config.mode !== 'live') {
    throw new Error(
      'a worker process needs REDIS_URL (the shared queue) and WeChat credentials (WECHAT_APP_ID/WECHAT_APP_SECRET or WECHAT_APPS_FILE)',
    );
  }
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse())
      await closer().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  const ops = createOperations(config, logger);
  const { observer } = ops;
  const health: (() => AppHealth)[] = [];
  const snapshots: (() => Promise<DeliverySnapshot>)[] = [];
  try {
    const redis = await connectRedis({
      url: config.redisUrl,
      onError: warnOnNewError(logger),
    });
    closers.push(() => redis.close());
    const webhook = await withStatusWebhook(
      config,
      createRedisStores(redis, config.redisPrefix),
      logger,
    );
    closers.push(webhook.close);
    const { stores } = webhook;
    for (const app of config.apps) {
      const { appId, wechat, catalog, delivery } = await startAppSending(app, {
        config,
        redis,
        stores,
        observer,
        logger: logger.child({ app: app.name }),
        onClose: (step) => closers.push(step),
      });
      health.push(() => appHealthOf(app.name, catalog, wechat.tokens));
      snapshots.push(() => deliverySnapshotOf(appId, delivery.service));
    }
    const opsServer = await serveOperations(
      ops,
      {
        redis,
        apps: () => health.map((of) => of()),
        delivery: () => Promise.all(snapshots.map((of) => of())),
        servesApi: false,
      },
      {
        port: config.delivery.workerOpsPort,
        host: config.host,
        portSetting: 'WORKER_OPS_PORT',
        limits: config.http,
        graceMs: config.shutdownGraceSeconds * 1000,
      },
      logger,
    );
    closers.push(() => opsServer.close());
    // Closers run last-in first-out: readiness fails before anything else stops.
    closers.push(async () => ops.markShuttingDown());
    return { apps: config.apps.map((app) => app.name), opsUrl: opsServer.url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The process boundary of a worker: starts it, says so, and on SIGTERM/SIGINT fails readiness,
 * closes the operations listener, stops taking jobs, finishes the sends in flight and exits 0.
 */
export async function runWorkerProcess(
  config: Config,
  print: (line: string) => void,
): Promise<void> {
  const worker = await startWorker(config);
  print(
    `wechat-subscribe-gateway worker for app ${worker.apps.join(', ')}: ${config.delivery.workerConcurrency} concurrent sends per app; /healthz, /readyz and /metrics at ${worker.opsUrl}`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    print(`${signal}: finishing the sends in flight, then exiting`);
    worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
