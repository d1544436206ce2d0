import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type Gateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/shared/logger.js';
import { recordingLogger } from './recording-logger.js';
import { deleteTestPrefix, testRedisUrl, uniquePrefix } from './redis.js';

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
  /** Calls the embedded simulator's control surface (sandbox mode); `app` picks a demo app's. */
  sim<T = unknown>(path: string, body?: unknown, app?: string): Promise<T>;
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
  options: {
    store?: StoreKind;
    env?: Record<string, string>;
    logger?: Logger;
    /** Written to a temporary WECHAT_APPS_FILE (`{ apps: [...] }`), deleted on close. */
    appsFile?: unknown;
  } = {},
): Promise<TestGateway> {
  const prefix = uniquePrefix('gw');
  const store = options.store ?? 'memory';
  if (store === 'redis' && !testRedisUrl) throw new Error('Redis tier is not enabled');
  const appsFile = options.appsFile === undefined ? null : writeAppsFile(options.appsFile);
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...(store === 'redis' ? { REDIS_URL: testRedisUrl!, REDIS_PREFIX: prefix } : {}),
    ...(appsFile ? { WECHAT_APPS_FILE: appsFile.path } : {}),
    ...options.env,
  });
  const logger = recordingLogger();
  let gateway: Gateway;
  try {
    gateway = await startGateway(config, { logger: options.logger ?? logger });
  } catch (error) {
    appsFile?.remove();
    throw error;
  }
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
    async sim(path, body, app) {
      const simulator = app === undefined ? gateway.simulator : gateway.simulators.get(app);
      if (!simulator) throw new Error(`no embedded simulator${app ? ` for app ${app}` : ''}`);
      const response = await fetch(`${simulator.url}/__sim/${path.replace(/^\//, '')}`, {
        method: body === undefined ? 'GET' : 'POST',
        // JSON, also from /__sim/inbox, which answers HTML to clients that do not ask for JSON.
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await response.json()) as never;
    },
    async close() {
      await gateway.close();
      appsFile?.remove();
      if (store === 'redis') {
        await deleteTestPrefix(prefix);
      }
    },
  };
}

/** A WECHAT_APPS_FILE in a temporary directory of its own. */
export function writeAppsFile(document: unknown): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wsg-apps-'));
  const path = join(dir, 'apps.json');
  writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A well-formed openid of the simulated app (`o` + 27 characters). */
export function demoOpenid(n: number): string {
  return `oTestUser${String(n).padStart(19, '0')}`;
}
