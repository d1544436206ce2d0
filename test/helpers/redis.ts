import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from '@jest/globals';
import { connectRedis, type RedisClient } from '../../src/infra/redis/redis-connection.js';

export const testRedisUrl = process.env.WSG_TEST_REDIS_URL;

/** `describe` when the Redis tier runs (see test/setup/redis-tier.ts), `describe.skip` otherwise. */
export const describeRedis: typeof describe = testRedisUrl
  ? describe
  : (describe.skip as typeof describe);

/** A key prefix no other test or CI run shares. */
export function uniquePrefix(label = 't'): string {
  return `wsgtest:${label}:${randomBytes(6).toString('hex')}`;
}

export async function connectTestRedis(): Promise<RedisClient> {
  if (!testRedisUrl) throw new Error('Redis tier is not enabled');
  return connectRedis({ url: testRedisUrl });
}

/** Deletes every key under `prefix`; never FLUSHALL, the Redis is shared. */
export async function deletePrefix(client: RedisClient, prefix: string): Promise<void> {
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await client.del(keys);
  }
}

/** deletePrefix on a connection of its own, for clean-up once the test's own clients are gone. */
export async function deleteTestPrefix(prefix: string): Promise<void> {
  const redis = await connectTestRedis();
  try {
    await deletePrefix(redis, prefix);
  } finally {
    await redis.close();
  }
}

/** One Redis connection for the tests of the enclosing describe, opened before and closed after. */
export function useTestRedis(): () => RedisClient {
  let client: RedisClient | undefined;
  beforeAll(async () => {
    client = await connectTestRedis();
  });
  afterAll(async () => {
    await client?.close();
  });
  return () => {
    if (!client) throw new Error('the test Redis did not connect (see the beforeAll error)');
    return client;
  };
}
