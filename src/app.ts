import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildGatewaySchema } from './build-schema.js';
import type { AppConfig, Config, PushConfig } from './config.js';
import { createAuthenticator } from './http/authenticate.js';
import {
  createEdgeServer,
  listeningUrl,
  startListening,
  type EdgeServer,
  type RequestListener,
} from './http/edge-server.js';
import { createGraphQLHandler } from './http/graphql-handler.js';
import {
  appHealthOf,
  createOperations,
  deliverySnapshotOf,
  type AppHealth,
  type Operations,
} from './http/ops/create-operations.js';
import { graphqlTelemetryPlugin } from './http/ops/graphql-telemetry-plugin.js';
import { createPlaygroundRoutes, PLAYGROUND_ASSETS_PATH } from './http/playground-routes.js';
import { createPushRoute } from './http/push-route.js';
import { createRouter, type Route } from './http/router.js';
import { startAppSending } from './infra/app-sending.js';
import { withStatusWebhook } from './infra/status-webhook.js';
import { createLogger } from './infra/pino-logger.js';
import { connectRedis, warnOnNewError, type RedisClient } from './infra/redis/redis-connection.js';
import { RedisLock } from './infra/redis/redis-lock.js';
import { storeUnavailablePlugin } from './http/store-unavailable-plugin.js';
import { MessageRetention } from './services/messages/message-retention.js';
import { MemoryLock } from './shared/lock.js';
import { createMemoryStores, createRedisStores, type Stores } from './infra/stores.js';
import { startSandbox, type Sandbox, type Simulator } from './sandbox/start-sandbox.js';
import { SimulatorTapMirror } from './sandbox/simulator-tap-mirror.js';
import type { AppServices, GatewayContext } from './schema/context.js';
import { AppDirectory } from './services/apps/app-directory.js';
import { createFormatError } from './schema/format-error.js';
import { withGraphQLLimits } from './schema/limits/index.js';
import { LiveSchema } from './schema/live-schema.js';
import { SubscriptionService } from './services/ledger/subscription-service.js';
import { MessageService } from './services/messages/message-service.js';
import { createPushHandler } from './services/push/handler.js';
import { SubscribeEventSink } from './services/push/subscribe-event-sink.js';
import { TemplateRegistry } from './services/templates/index.js';
import type { TransportKind } from './services/wechat/wechat-stack.js';
import type { Logger } from './shared/logger.js';
import type { Observer } from './shared/observer.js';

export interface GatewayDeps {
  logger?: Logger;
  /** HTTP library behind the WeChat client; WECHAT_HTTP_TRANSPORT unless told otherwise. */
  transport?: TransportKind;
}

export interface Gateway {
  url: string;
  graphqlUrl: string;
  mode: Config['mode'];
  store: 'memory' | 'redis';
  /** The default app's WeChat app id (the only app's, with one app). */
  appId: string;
  apps: { name: string; appId: string; pushUrl: string | null }[];
  playgroundUrl: string | null;
  /** The default app's push endpoint. */
  pushUrl: string | null;
  /** Sandbox mode: the default app's embedded WeChat simulator. */
  simulator: { url: string; instance: Simulator } | null;
  /** Sandbox mode: every demo app's simulator, by app name. */
  simulators: ReadonlyMap<string, { url: string; instance: Simulator }>;
  auth: boolean;
  /** Readiness fails from now on: the first step of a graceful shutdown (close() does it too). */
  markShuttingDown(): void;
  /** Message log pruning: its stats() count what was pruned, for metrics and health views. */
  retention: MessageRetention;
  /** Lets in-flight requests finish (up to SHUTDOWN_GRACE_SECONDS), then closes everything. */
  close(): Promise<void>;
}

/** Cleanups registered by each step as it succeeds, run last-in first-out. */
class Cleanups {
  private readonly steps: (() => Promise<unknown>)[] = [];
  constructor(private readonly logger: Logger) {}

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse())
      await step().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'shutdown step failed'),
      );
  }
}

/** The composition root: builds every service from the config and serves them over HTTP. */
export async function startGateway(config: Config, deps: GatewayDeps = {}): Promise<Gateway> {
  const logger = deps.logger ?? createLogger(config.logLevel, { format: config.logFormat });
  const ops = createOperations(config, logger);
  const cleanups = new Cleanups(logger);
  try {
    return await assemble(config, deps, { logger, ops }, cleanups);
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}

async function assemble(
  config: Config,
  deps: GatewayDeps,
  { logger, ops }: { logger: Logger; ops: Operations },
  cleanups: Cleanups,
): Promise<Gateway> {
  const { observer } = ops;
  const sandbox = await startSandboxStep(config, logger, cleanups);
  const redis = await connectStorage(config, logger, cleanups);
  const stores = await createStores(config, redis, logger, cleanups);
  const shared = { config, deps, sandbox, redis, stores, logger, observer };
  const apps: AppRuntime[] = [];
  for (const app of config.apps) apps.push(await createApp(app, shared, cleanups));
  const retention = startRetention(apps, shared, cleanups);
  const liveSchema = await buildLiveSchema(apps);
  const directory = new AppDirectory<AppServices>(apps, config.defaultApp);
  const url = await serveHttp(config, { apps, directory, liveSchema, shared, ops }, cleanups);
  if (sandbox) cleanups.add(sandbox.connectPush(url));
  // Cleanups run last-in first-out: readiness fails before anything else stops.
  cleanups.add(async () => ops.markShuttingDown());
  return describeGateway(config, {
    url,
    apps,
    directory,
    sandbox,
    redis,
    ops,
    retention,
    cleanups,
  });
}

/** The stores on Redis or in memory, with final status changes reported to STATUS_WEBHOOK_URL. */
async function createStores(
  config: Config,
  redis: RedisClient | undefined,
  logger: Logger,
  cleanups: Cleanups,
): Promise<Stores> {
  const webhook = await withStatusWebhook(
    config,
    redis ? createRedisStores(redis, config.redisPrefix) : createMemoryStores(),
    logger,
  );
  cleanups.add(webhook.close);
  return webhook.stores;
}

/**
 * The schema of every app's templates. A sync of one app builds the schema with the app's new
 * templates before its catalogue takes them, so a sync that would break the schema (a name another
 * app uses) changes neither. Syncs run one at a time, each built on the others' current templates.
 */
async function buildLiveSchema(apps: AppRuntime[]): Promise<LiveSchema> {
  const schemaOf = (changed?: { app: AppRuntime; registry: TemplateRegistry }) =>
    buildGatewaySchema(
      apps.map((a) => ({
        app: a.name,
        templates: (a === changed?.app ? changed.registry : a.catalog.registry).list(),
      })),
    );
  const liveSchema = new LiveSchema(await schemaOf());
  let updates: Promise<unknown> = Promise.resolve();
  for (const app of apps) {
    app.updateTemplates = (sync) => {
      const run = updates.then(async () => {
        let next: GraphQLSchema | undefined;
        await sync(async (registry) => {
          next = await schemaOf({ app, registry });
        });
        if (next) liveSchema.update(next);
      });
      updates = run.catch(() => undefined);
      return run;
    };
  }
  return liveSchema;
}

/** Apollo, the routes and the operations endpoints on the HTTP edge; resolves to its URL. */
async function serveHttp(
  config: Config,
  parts: {
    apps: AppRuntime[];
    directory: AppDirectory<AppServices>;
    liveSchema: LiveSchema;
    shared: SharedParts;
    ops: Operations;
  },
  cleanups: Cleanups,
): Promise<string> {
  const { apps, ops } = parts;
  const { logger, redis, stores, observer } = parts.shared;
  const edge = createEdgeServer({ limits: config.http, logger });
  const apollo = await startApollo(
    config,
    {
      liveSchema: parts.liveSchema,
      server: edge.server,
      logger,
      telemetry: graphqlTelemetryPlugin(ops.observer),
    },
    cleanups,
  );
  // Registered after Apollo's stop, so it runs before it (cleanups run last-in first-out).
  cleanups.add(async () => edge.endKeepAlive());
  const routes = createRoutes(config, { apps: parts.directory, apollo, stores, logger, observer });
  const router = ops.install(
    routes.table,
    {
      redis,
      apps: () => apps.map((app) => app.health()),
      delivery: () => Promise.all(apps.map((app) => deliverySnapshotOf(app.appId, app.delivery))),
    },
    createRouter(routes.table, routes.assets, logger),
    [PLAYGROUND_ASSETS_PATH],
  );
  return listen(config, edge, router, logger);
}

/** What the process entry points and tests get back. */
function describeGateway(
  config: Config,
  parts: {
    url: string;
    apps: AppRuntime[];
    directory: AppDirectory<AppServices>;
    sandbox: Sandbox | null;
    redis: RedisClient | undefined;
    ops: Operations;
    retention: MessageRetention;
    cleanups: Cleanups;
  },
): Gateway {
  const { url, apps, directory, sandbox, ops } = parts;
  const main = (
    config.defaultApp ? directory.one({ apps: null }, config.defaultApp) : apps[0]!
  ) as AppRuntime;
  const simulators = new Map([...(sandbox?.apps ?? [])].map(([name, a]) => [name, a.simulator]));
  const pushUrlOf = (app: AppRuntime) => (app.push ? `${url}${app.push.path}` : null);
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    mode: config.mode,
    store: parts.redis ? 'redis' : 'memory',
    appId: main.appId,
    apps: apps.map((app) => ({ name: app.name, appId: app.appId, pushUrl: pushUrlOf(app) })),
    playgroundUrl: config.playground ? `${url}/graphql` : null,
    pushUrl: pushUrlOf(main),
    simulator: simulators.get(main.name) ?? null,
    simulators,
    auth: config.apiKeys.length > 0,
    markShuttingDown: () => ops.markShuttingDown(),
    retention: parts.retention,
    close: () => parts.cleanups.run(),
  };
}

/** Sandbox mode: the embedded simulators stand in for WeChat. */
async function startSandboxStep(
  config: Config,
  logger: Logger,
  cleanups: Cleanups,
): Promise<Sandbox | null> {
  if (config.mode !== 'sandbox') return null;
  const sandbox = await startSandbox(config, logger);
  cleanups.add(() => sandbox.close());
  return sandbox;
}

async function connectStorage(
  config: Config,
  logger: Logger,
  cleanups: Cleanups,
): Promise<RedisClient | undefined> {
  if (!config.redisUrl) return undefined;
  const redis = await connectRedis({ url: config.redisUrl, onError: warnOnNewError(logger) });
  cleanups.add(() => redis.close());
  return redis;
}

/** What every app is built from. */
interface SharedParts {
  config: Config;
  deps: GatewayDeps;
  sandbox: Sandbox | null;
  redis: RedisClient | undefined;
  stores: Stores;
  logger: Logger;
  observer: Observer;
}

/** One app's services, with what the composition root still needs of it. */
interface AppRuntime extends AppServices {
  readonly push: AppConfig['push'];
  readonly config: AppConfig;
  /**
   * Runs a change of the app's templates: `sync` hands the new registry to `accept`, which builds
   * the schema with it (throwing when it cannot) before the catalogue swaps it in. Set once the
   * schema exists.
   */
  updateTemplates: (
    sync: (accept: (registry: TemplateRegistry) => Promise<void>) => Promise<unknown>,
  ) => Promise<void>;
  /** What readiness checks of this app. */
  health(): AppHealth;
}

async function createApp(
  app: AppConfig,
  shared: SharedParts,
  cleanups: Cleanups,
): Promise<AppRuntime> {
  const sandboxApp = shared.sandbox?.apps.get(app.name) ?? null;
  const logger = shared.logger.child({ app: app.name });
  const { stores } = shared;
  const { appId, wechat, catalog, sending, delivery } = await startAppSending(app, {
    config: shared.config,
    redis: shared.redis,
    stores,
    observer: shared.observer,
    logger,
    transport: shared.deps.transport,
    standIn: sandboxApp,
    onClose: (step) => cleanups.add(step),
  });
  if (catalog.registry.list().length === 0) {
    logger.warn(
      'no templates yet: set the templates file or templatesSync (TEMPLATES_FILE, TEMPLATES_SYNC=true), or run syncTemplates',
    );
  }
  const runtime: AppRuntime = {
    name: app.name,
    appId,
    config: app,
    push: app.push,
    catalog,
    subscriptions: new SubscriptionService({
      appId,
      catalog,
      ledger: stores.ledger,
      ledgerSource: app.ledgerSource,
      mirror: sandboxApp
        ? new SimulatorTapMirror({ simulatorUrl: sandboxApp.simulator.url, catalog })
        : undefined,
    }),
    sending,
    messages: new MessageService({ appId, catalog, store: stores.messages }),
    delivery: delivery.service,
    recurring: delivery.recurring,
    campaigns: delivery.campaigns.service,
    syncTemplates: () =>
      runtime.updateTemplates((accept) =>
        catalog.sync({ getTemplates: () => wechat.wechat.getTemplates() }, accept),
      ),
    updateTemplates: (sync) => sync(async () => undefined).then(() => undefined),
    health: () => appHealthOf(app.name, catalog, wechat.tokens),
  };
  return runtime;
}

/** MESSAGE_RETENTION_DAYS: prunes every app's old messages, one gateway process at a time. */
function startRetention(
  apps: readonly AppRuntime[],
  shared: SharedParts,
  cleanups: Cleanups,
): MessageRetention {
  const { redis, config } = shared;
  const retention = new MessageRetention({
    appIds: apps.map((app) => app.appId),
    messages: shared.stores.messages,
    lock: redis ? new RedisLock({ client: redis, prefix: config.redisPrefix }) : new MemoryLock(),
    retentionDays: config.operations.messageRetentionDays,
    logger: shared.logger,
    observer: shared.observer,
  });
  retention.start();
  cleanups.add(() => retention.stop());
  return retention;
}

/** Apollo drains the HTTP server on stop, so in-flight requests finish before it closes. */
async function startApollo(
  config: Config,
  parts: {
    liveSchema: LiveSchema;
    server: Server;
    logger: Logger;
    telemetry: ApolloServerPlugin<GatewayContext>;
  },
  cleanups: Cleanups,
): Promise<ApolloServer<GatewayContext>> {
  const apollo = new ApolloServer<GatewayContext>(
    withGraphQLLimits(config.graphqlLimits, {
      gateway: parts.liveSchema,
      formatError: createFormatError(parts.logger),
      includeStacktraceInErrorResponses: false,
      // main.ts owns the signals; Apollo's own handlers would race it.
      stopOnTerminationSignals: false,
      plugins: [
        ApolloServerPluginDrainHttpServer({
          httpServer: parts.server,
          stopGracePeriodMillis: config.shutdownGraceSeconds * 1000,
        }),
        // No cache hints are used, and Apollo's landing page would load its IDE from a CDN: the
        // playground (self-hosted) is ours, served before Apollo sees the request.
        ApolloServerPluginCacheControlDisabled(),
        ApolloServerPluginLandingPageDisabled(),
        parts.telemetry,
        storeUnavailablePlugin(),
      ],
    }),
  );
  await apollo.start();
  cleanups.add(() => apollo.stop());
  return apollo;
}

interface RouteParts {
  apps: AppDirectory<AppServices>;
  apollo: ApolloServer<GatewayContext>;
  stores: Stores;
  logger: Logger;
  observer: Observer;
}

function createRoutes(config: Config, parts: RouteParts) {
  const graphql = createGraphQLHandler({
    apollo: parts.apollo,
    apps: parts.apps,
    authenticate: createAuthenticator(config.apiKeys),
    maxBodyBytes: config.http.maxBodyBytes,
  });
  const table = new Map<string, Route>();
  const playground = createPlaygroundRoutes({
    sandbox: config.mode === 'sandbox',
    enabled: config.playground,
  });
  table.set('/graphql', (request, response, url) =>
    playground.wantsPage(request)
      ? playground.page(request, response, url)
      : graphql(request, response, url),
  );
  for (const [path, route] of playground.routes) table.set(path, route);
  for (const app of parts.apps.all() as readonly AppRuntime[]) {
    if (app.push) table.set(app.push.path, createPushEndpoint(app, app.push, parts));
  }
  return { table, assets: playground.assets };
}

function createPushEndpoint(app: AppRuntime, push: PushConfig, parts: RouteParts): Route {
  const { stores, logger } = parts;
  const { appId, catalog } = app;
  const pushLogger = logger.child({ component: 'push', app: app.name });
  const handler = createPushHandler({
    token: push.token,
    aesKey: push.aesKey ?? undefined,
    appId,
    replayWindowSeconds: push.replayWindowSeconds,
    requireEncryption: push.requireEncryption,
    // Dedup keys are shared by every app in one store: the app id keeps them apart.
    dedup: {
      firstSeen: (key, ttl) => stores.pushDedup.firstSeen(`${appId}:${key}`, ttl),
      release: (key) => stores.pushDedup.release(`${appId}:${key}`),
    },
    replay: {
      firstSeen: (key, ttl) => stores.pushDedup.firstSeen(`${appId}:replay:${key}`, ttl),
      release: (key) => stores.pushDedup.release(`${appId}:replay:${key}`),
    },
    sink: new SubscribeEventSink({
      appId,
      catalog,
      ledger: stores.ledger,
      messages: stores.messages,
      ledgerSource: app.config.ledgerSource,
      quotaPolicy: app.config.quotaPolicy,
      logger: pushLogger,
    }),
    logger: pushLogger,
    observer: parts.observer,
  });
  return createPushRoute(handler, pushLogger);
}

/** Starts serving; resolves to the URL clients reach it at. */
async function listen(
  config: Config,
  edge: EdgeServer,
  router: RequestListener,
  logger: Logger,
): Promise<string> {
  edge.serve(router);
  await startListening(edge.server, config.port, config.host, logger);
  return listeningUrl(edge.server, config.host);
}
