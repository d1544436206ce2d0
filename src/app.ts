import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildGatewaySchema } from './build-schema.js';
import type { Config } from './config.js';
import { createAuthenticator } from './http/authenticate.js';
import { createGraphQLHandler } from './http/graphql-handler.js';
import { createPlaygroundRoutes } from './http/playground-routes.js';
import { createPushRoute } from './http/push-route.js';
import { createRouter, type Route } from './http/router.js';
import { createLogger } from './infra/pino-logger.js';
import { connectRedis, type RedisClient } from './infra/redis/redis-connection.js';
import { RedisLock } from './infra/redis/redis-lock.js';
import { createMemoryStores, createRedisStores, type Stores } from './infra/stores.js';
import { startSandbox, type Sandbox, type Simulator } from './sandbox/start-sandbox.js';
import { SimulatorTapMirror } from './sandbox/simulator-tap-mirror.js';
import type { GatewayContext, GatewayServices } from './schema/context.js';
import { createFormatError } from './schema/format-error.js';
import { withGraphQLLimits } from './schema/limits/index.js';
import { LiveSchema } from './schema/live-schema.js';
import { SubscriptionService } from './services/ledger/subscription-service.js';
import { MessageService } from './services/messages/message-service.js';
import { createPushHandler } from './services/push/handler.js';
import { SubscribeEventSink } from './services/push/subscribe-event-sink.js';
import { ChainedKeyedMutex } from './services/sending/keyed-mutex.js';
import { SendService } from './services/sending/send-service.js';
import { loadTemplatesFile, TemplateRegistry } from './services/templates/index.js';
import { TemplateCatalog } from './services/templates/template-catalog.js';
import {
  createWeChatStack,
  type TransportKind,
  type WeChatStack,
} from './services/wechat/wechat-stack.js';
import type { Logger } from './shared/logger.js';

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
  appId: string;
  playgroundUrl: string | null;
  pushUrl: string | null;
  /** Sandbox mode: the embedded WeChat simulator. */
  simulator: { url: string; instance: Simulator } | null;
  auth: boolean;
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
  const logger = deps.logger ?? createLogger(config.logLevel);
  const cleanups = new Cleanups(logger);
  try {
    return await assemble(config, deps, logger, cleanups);
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}

async function assemble(
  config: Config,
  deps: GatewayDeps,
  logger: Logger,
  cleanups: Cleanups,
): Promise<Gateway> {
  const sandbox = await startSandboxStep(config, logger, cleanups);
  const redis = await connectStorage(config, logger, cleanups);
  const stores = redis ? createRedisStores(redis, config.redisPrefix) : createMemoryStores();
  const wechat = createWeChat(config, deps, { sandbox, redis, logger }, cleanups);
  const catalog = await loadTemplates(config, sandbox, wechat);
  const liveSchema = new LiveSchema(await buildGatewaySchema(catalog.registry.list()));
  const syncTemplates = async () => {
    await catalog.sync({ getTemplates: () => wechat.wechat.getTemplates() });
    liveSchema.update(await buildGatewaySchema(catalog.registry.list()));
  };
  if (catalog.registry.list().length === 0) {
    logger.warn(
      'no templates yet: set TEMPLATES_FILE or TEMPLATES_SYNC=true, or run syncTemplates',
    );
  }
  const services = createServices(config, { sandbox, redis, stores, wechat, catalog, logger });
  const server = createServer();
  const apollo = await startApollo(config, { liveSchema, server, logger }, cleanups);
  const routes = createRoutes(config, {
    services: { ...services, syncTemplates },
    apollo,
    stores,
    logger,
  });
  const url = await listen(config, server, createRouter(routes.table, routes.assets, logger));
  if (sandbox) cleanups.add(sandbox.connectPush(url));
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    mode: config.mode,
    store: redis ? 'redis' : 'memory',
    appId: wechat.wechat.appId,
    playgroundUrl: routes.playground ? `${url}/graphql` : null,
    pushUrl: config.push ? `${url}${config.push.path}` : null,
    simulator: sandbox?.simulator ?? null,
    auth: config.apiKeys.length > 0,
    close: () => cleanups.run(),
  };
}

/** Sandbox mode: the embedded simulator stands in for WeChat. */
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
  let lastError = '';
  const redis = await connectRedis({
    url: config.redisUrl,
    onError: (error) => {
      if (error.message !== lastError)
        logger.warn({ err: { message: error.message } }, 'redis connection error');
      lastError = error.message;
    },
  });
  cleanups.add(() => redis.close());
  return redis;
}

function createWeChat(
  config: Config,
  deps: GatewayDeps,
  parts: { sandbox: Sandbox | null; redis: RedisClient | undefined; logger: Logger },
  cleanups: Cleanups,
): WeChatStack {
  const credentials =
    parts.sandbox?.wechat ??
    (config.wechat as { appId: string; appSecret: string; apiBase: string });
  const stack = createWeChatStack({
    apiBase: credentials.apiBase,
    appId: credentials.appId,
    appSecret: credentials.appSecret,
    tokenMode: config.wechat.tokenMode,
    logger: parts.logger,
    redis: parts.redis,
    prefix: config.redisPrefix,
    transport: deps.transport ?? config.wechat.transport,
  });
  cleanups.add(() => stack.close());
  return stack;
}

/** The templates file, then WeChat's own list when syncing (the sandbox always syncs). */
async function loadTemplates(
  config: Config,
  sandbox: Sandbox | null,
  wechat: WeChatStack,
): Promise<TemplateCatalog> {
  const file = config.templatesFile ?? sandbox?.templatesFile ?? null;
  const catalog = new TemplateCatalog(
    new TemplateRegistry(file ? await loadTemplatesFile(file) : []),
  );
  if (config.templatesSync || config.mode === 'sandbox') {
    await catalog.sync({ getTemplates: () => wechat.wechat.getTemplates() });
  }
  return catalog;
}

interface ServiceParts {
  sandbox: Sandbox | null;
  redis: RedisClient | undefined;
  stores: Stores;
  wechat: WeChatStack;
  catalog: TemplateCatalog;
  logger: Logger;
}

function createServices(
  config: Config,
  parts: ServiceParts,
): Omit<GatewayServices, 'syncTemplates'> {
  const { sandbox, redis, stores, catalog, logger } = parts;
  const appId = parts.wechat.wechat.appId;
  return {
    appId,
    catalog,
    subscriptions: new SubscriptionService({
      appId,
      catalog,
      ledger: stores.ledger,
      ledgerSource: config.ledgerSource,
      mirror: sandbox
        ? new SimulatorTapMirror({ simulatorUrl: sandbox.simulator.url, catalog })
        : undefined,
    }),
    sending: new SendService({
      appId,
      catalog,
      sender: parts.wechat.wechat,
      ledger: stores.ledger,
      messages: stores.messages,
      idempotency: stores.idempotency,
      userMutex: new ChainedKeyedMutex({
        shared: redis ? new RedisLock({ client: redis, prefix: config.redisPrefix }) : undefined,
      }),
      quotaPolicy: config.quotaPolicy,
      logger,
    }),
    messages: new MessageService({ appId, catalog, store: stores.messages }),
  };
}

/** Apollo drains the HTTP server on stop, so in-flight requests finish before it closes. */
async function startApollo(
  config: Config,
  parts: { liveSchema: LiveSchema; server: Server; logger: Logger },
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
      ],
    }),
  );
  await apollo.start();
  cleanups.add(() => apollo.stop());
  return apollo;
}

interface RouteParts {
  services: GatewayServices;
  apollo: ApolloServer<GatewayContext>;
  stores: Stores;
  logger: Logger;
}

function createRoutes(config: Config, parts: RouteParts) {
  const { services } = parts;
  const graphql = createGraphQLHandler({
    apollo: parts.apollo,
    services,
    authenticate: createAuthenticator(config.apiKeys),
  });
  const table = new Map<string, Route>();
  const playground = config.playground
    ? createPlaygroundRoutes({ sandbox: config.mode === 'sandbox' })
    : null;
  table.set('/graphql', (request, response, url) =>
    playground?.wantsPage(request)
      ? playground.page(request, response, url)
      : graphql(request, response, url),
  );
  if (playground) for (const [path, route] of playground.routes) table.set(path, route);
  table.set('/healthz', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ok', mode: config.mode }));
  });
  if (config.push) table.set(config.push.path, createPushEndpoint(config, parts));
  return { table, assets: playground?.assets ?? null, playground };
}

function createPushEndpoint(config: Config, parts: RouteParts): Route {
  const push = config.push!;
  const { services, stores, logger } = parts;
  const { appId, catalog } = services;
  const pushLogger = logger.child({ component: 'push' });
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
    sink: new SubscribeEventSink({
      appId,
      catalog,
      ledger: stores.ledger,
      messages: stores.messages,
      ledgerSource: config.ledgerSource,
      logger,
    }),
    logger: pushLogger,
  });
  return createPushRoute(handler, pushLogger);
}

/** Starts serving; resolves to the URL clients reach it at. */
async function listen(
  config: Config,
  server: Server,
  router: ReturnType<typeof createRouter>,
): Promise<string> {
  server.on('request', (request, response) => void router(request, response));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
