import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { Config } from './config.js';
import { createAuthenticator } from './http/authenticate.js';
import { createGraphQLHandler } from './http/graphql-handler.js';
import { createPushRoute } from './http/push-route.js';
import { createRouter, type Route } from './http/router.js';
import { createLogger } from './infra/pino-logger.js';
import { buildGatewaySchema } from './build-schema.js';
import type { GatewayContext, GatewayServices } from './schema/context.js';
import { createFormatError } from './schema/format-error.js';
import { LiveSchema } from './schema/live-schema.js';
import { withGraphQLLimits } from './schema/limits/index.js';
import { SubscribeEventSink } from './services/push/subscribe-event-sink.js';
import type { Logger } from './shared/logger.js';
import { createPushHandler } from './services/push/handler.js';
import { ChainedKeyedMutex } from './services/sending/keyed-mutex.js';
import { SendService } from './services/sending/send-service.js';
import type { Simulator } from './simulator/index.js';
import { startSandbox } from './sandbox/start-sandbox.js';
import { defaultTemplatesFile } from './simulator/default-templates-file.js';
import { connectRedis, type RedisClient } from './infra/redis/redis-connection.js';
import { RedisLock } from './infra/redis/redis-lock.js';
import { createMemoryStores, createRedisStores } from './infra/stores.js';
import { SimulatorTapMirror } from './sandbox/simulator-tap-mirror.js';
import { SubscriptionService } from './services/ledger/subscription-service.js';
import { loadTemplatesFile, TemplateRegistry } from './services/templates/index.js';
import { TemplateCatalog } from './services/templates/template-catalog.js';
import { createWeChatStack, type TransportKind } from './services/wechat/wechat-stack.js';
import { createPlaygroundRoutes } from './http/playground-routes.js';

export interface GatewayDeps {
  logger?: Logger;
  /** HTTP library behind the WeChat client; got unless told otherwise. */
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
  close(): Promise<void>;
}

/** The composition root: builds every service from the config and serves them over HTTP. */
export async function startGateway(config: Config, deps: GatewayDeps = {}): Promise<Gateway> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse())
      await closer().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
  };
  try {
    return await assemble(config, deps, logger, closers, close);
  } catch (error) {
    await close();
    throw error;
  }
}

async function assemble(
  config: Config,
  deps: GatewayDeps,
  logger: Logger,
  closers: (() => Promise<unknown>)[],
  close: () => Promise<void>,
): Promise<Gateway> {
  const sandbox = config.mode === 'sandbox' ? await startSandbox(config, logger) : null;
  if (sandbox) closers.push(() => sandbox.close());
  const wechatConfig =
    sandbox?.wechat ?? (config.wechat as { appId: string; appSecret: string; apiBase: string });
  const { appId } = wechatConfig;

  let redis: RedisClient | undefined;
  if (config.redisUrl) {
    let lastError = '';
    redis = await connectRedis({
      url: config.redisUrl,
      onError: (error) => {
        if (error.message !== lastError)
          logger.warn({ err: { message: error.message } }, 'redis connection error');
        lastError = error.message;
      },
    });
    const client = redis;
    closers.push(() => client.close());
  }
  const stores = redis ? createRedisStores(redis, config.redisPrefix) : createMemoryStores();
  const stack = createWeChatStack({
    apiBase: wechatConfig.apiBase,
    appId,
    appSecret: wechatConfig.appSecret,
    tokenMode: config.wechat.tokenMode,
    logger,
    redis,
    prefix: config.redisPrefix,
    transport: deps.transport ?? config.wechat.transport,
  });
  closers.push(() => stack.close());

  const templatesFile =
    config.templatesFile ?? (config.mode === 'sandbox' ? defaultTemplatesFile() : null);
  const catalog = new TemplateCatalog(
    new TemplateRegistry(templatesFile ? await loadTemplatesFile(templatesFile) : []),
  );
  // Filled in once the schema exists: a sync swaps in a schema with the new templates' types.
  let liveSchema: LiveSchema | null = null;
  const syncTemplates = async () => {
    await catalog.sync({ getTemplates: () => stack.wechat.getTemplates() });
    liveSchema?.update(await buildGatewaySchema(catalog.registry.list()));
  };
  // The sandbox syncs too: the simulator's library reaches the gateway through the production path.
  if (config.templatesSync || config.mode === 'sandbox') await syncTemplates();
  if (catalog.registry.list().length === 0) {
    logger.warn('no templates: set TEMPLATES_FILE or TEMPLATES_SYNC=true, then restart');
  }

  const ledgerSource = config.ledgerSource;
  const services: GatewayServices = {
    appId,
    catalog,
    subscriptions: new SubscriptionService(appId, catalog, stores.ledger, {
      ledgerSource,
      mirror: sandbox ? new SimulatorTapMirror(sandbox.simulator.url, catalog) : undefined,
    }),
    sending: new SendService({
      appId,
      catalog,
      sender: stack.wechat,
      ledger: stores.ledger,
      messages: stores.messages,
      idempotency: stores.idempotency,
      userMutex: new ChainedKeyedMutex(
        redis ? new RedisLock(redis, config.redisPrefix) : undefined,
      ),
      quotaPolicy: config.quotaPolicy,
      logger,
    }),
    messages: stores.messages,
    syncTemplates,
  };

  liveSchema = new LiveSchema(await buildGatewaySchema(catalog.registry.list()));
  const apollo = new ApolloServer<GatewayContext>(
    withGraphQLLimits(config.graphqlLimits, {
      gateway: liveSchema,
      formatError: createFormatError(logger),
      includeStacktraceInErrorResponses: false,
      // main.ts owns shutdown; Apollo's own signal handlers would race it.
      stopOnTerminationSignals: false,
      // No cache hints are used, and Apollo's own landing page would load its IDE from a CDN: the
      // playground (self-hosted) is ours, served before Apollo sees the request.
      plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
    }),
  );
  await apollo.start();
  closers.push(() => apollo.stop());

  const graphql = createGraphQLHandler({
    apollo,
    services,
    authenticate: createAuthenticator(config.apiKeys),
  });
  const routes = new Map<string, Route>();
  const playground = config.playground
    ? createPlaygroundRoutes({ sandbox: config.mode === 'sandbox' })
    : null;
  routes.set('/graphql', (request, response, url) =>
    playground?.wantsPage(request)
      ? playground.page(request, response, url)
      : graphql(request, response, url),
  );
  if (playground) for (const [path, route] of playground.routes) routes.set(path, route);
  routes.set('/healthz', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ok', mode: config.mode }));
  });
  if (config.push) {
    const pushLogger = logger.child({ component: 'push' });
    const handler = createPushHandler({
      token: config.push.token,
      aesKey: config.push.aesKey ?? undefined,
      appId,
      replayWindowSeconds: config.push.replayWindowSeconds,
      requireEncryption: config.push.requireEncryption,
      dedup: {
        firstSeen: (key, ttl) => stores.pushDedup.firstSeen(`${appId}:${key}`, ttl),
        release: (key) => stores.pushDedup.forget(`${appId}:${key}`),
      },
      sink: new SubscribeEventSink({
        appId,
        catalog,
        ledger: stores.ledger,
        messages: stores.messages,
        ledgerSource,
        logger,
      }),
      logger: pushLogger,
    });
    routes.set(config.push.path, createPushRoute(handler, pushLogger));
  }
  const router = createRouter(routes, playground?.assets ?? null, logger);

  const server: Server = createServer((request, response) => void router(request, response));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (sandbox) {
    // Closers run last-in first-out: the pushes stop before the server closes.
    const stopPushes = sandbox.connectPush(url);
    closers.push(stopPushes);
  }
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    mode: config.mode,
    store: redis ? 'redis' : 'memory',
    appId,
    playgroundUrl: playground ? `${url}/graphql` : null,
    pushUrl: config.push ? `${url}${config.push.path}` : null,
    simulator: sandbox?.simulator ?? null,
    auth: config.apiKeys.length > 0,
    close,
  };
}
