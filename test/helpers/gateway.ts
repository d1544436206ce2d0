import { startGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/shared/logger.js';
import { recordingLogger } from './recording-logger.js';
import { connectTestRedis, deletePrefix, testRedisUrl, uniquePrefix } from './redis.js';

export type StoreKind = 'memory' | 'redis';

export interface TestGateway {
  gateway: Gateway;
  logger: ReturnType<typeof recordingLogger>;
  /** POSTs a GraphQL operation; returns the HTTP status and parsed body. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { key?: string },
  ): Promise<{ status: number; body: { data?: T | null; errors?: GraphQLErrorBody[] } }>;
  /** Calls the embedded simulator's control surface (sandbox mode). */
  sim<T = unknown>(path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface GraphQLErrorBody {
  message: string;
  path?: string[];
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

/**
 * The composed gateway on a random loopback port, in sandbox mode (the simulator is its
 * loopback WeChat) unless `env` says otherwise, on memory or on the real Redis under a prefix of
 * its own that `close()` deletes.
 */
export async function startTestGateway(
  options: { store?: StoreKind; env?: Record<string, string>; logger?: Logger } = {},
): Promise<TestGateway> {
  const prefix = uniquePrefix('gw');
  const store = options.store ?? 'memory';
  if (store === 'redis' && !testRedisUrl) throw new Error('Redis tier is not enabled');
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...(store === 'redis' ? { REDIS_URL: testRedisUrl!, REDIS_PREFIX: prefix } : {}),
    ...options.env,
  });
  const logger = recordingLogger();
  const gateway = await startGateway(config, { logger: options.logger ?? logger });
  return {
    gateway,
    logger,
    async gql(query, variables, { key } = {}) {
      const response = await fetch(gateway.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    async sim(path, body) {
      if (!gateway.simulator) throw new Error('not in sandbox mode');
      const response = await fetch(`${gateway.simulator.url}/__sim/${path.replace(/^\//, '')}`, {
        method: body === undefined ? 'GET' : 'POST',
        // JSON, also from /__sim/inbox, which answers HTML to clients that do not ask for JSON.
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await response.json()) as never;
    },
    async close() {
      await gateway.close();
      if (store === 'redis') {
        const redis = await connectTestRedis();
        await deletePrefix(redis, prefix);
        await redis.close();
      }
    },
  };
}

/** A well-formed openid of the simulated app (`o` + 27 characters). */
export function demoOpenid(n: number): string {
  return `oTestUser${String(n).padStart(19, '0')}`;
}
