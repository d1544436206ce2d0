import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { connectRedis, type RedisClient } from '../../../../src/infra/redis/redis-connection.js';
import { isRedisUnavailable } from '../../../../src/infra/redis/store-unavailable.js';
import { startPrivateRedis, type PrivateRedis } from '../../../helpers/private-redis.js';
import { describeRedis } from '../../../helpers/redis.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeRedis('a Redis that hangs with its connection open', () => {
  let server: PrivateRedis;
  let client: RedisClient;
  const errors: Error[] = [];

  beforeAll(async () => {
    server = await startPrivateRedis();
    client = await connectRedis({
      url: server.url,
      commandTimeoutMs: 300,
      onError: (error) => errors.push(error),
    });
  });
  afterAll(async () => {
    server?.resume();
    client?.destroy();
    await server?.stop();
  });

  it('fails the commands waiting on it as an outage instead of stalling them, and recovers', async () => {
    await client.set('watchdog:key', 'v');
    server.pause();
    // Written to the socket at once: only the watchdog can end these.
    const stuck = await Promise.allSettled([client.get('watchdog:key'), client.ping()]);
    for (const result of stuck) {
      expect(result.status).toBe('rejected');
      expect(isRedisUnavailable((result as PromiseRejectedResult).reason)).toBe(true);
    }
    expect(errors.map((e) => e.name)).toContain('RedisHungError');
    // While the new connection waits for the frozen server, commands fail fast too.
    const offline = await client.get('watchdog:key').catch((error: unknown) => error);
    expect(isRedisUnavailable(offline)).toBe(true);

    server.resume();
    for (let i = 0; i < 50 && !client.isReady; i++) await sleep(100);
    expect(await client.get('watchdog:key')).toBe('v');
  }, 20_000);
});
