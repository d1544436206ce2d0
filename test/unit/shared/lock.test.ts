import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { acquireWithin, MemoryLock, type DistributedLock } from '../../../src/shared/lock.js';
import type { RedisClient } from '../../../src/infra/redis/redis-connection.js';
import { RedisLock } from '../../../src/infra/redis/redis-lock.js';
import {
  connectTestRedis,
  deletePrefix,
  describeRedis,
  uniquePrefix,
} from '../../helpers/redis.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function lockContract(make: () => DistributedLock) {
  it('excludes a second holder until release', async () => {
    const lock = make();
    const a = await lock.tryAcquire('k', 5000);
    expect(a).not.toBeNull();
    expect(await lock.tryAcquire('k', 5000)).toBeNull();
    await a!.release();
    expect(await lock.tryAcquire('k', 5000)).not.toBeNull();
  });

  it('lets a dead holder be replaced once its lease runs out', async () => {
    const lock = make();
    await lock.tryAcquire('dead', 200);
    const outcome = await acquireWithin(lock, 'dead', { ttlMs: 1000, waitMs: 3000 });
    expect('handle' in outcome).toBe(true);
  });

  it('never releases a lock that somebody else holds now', async () => {
    const lock = make();
    const slow = await lock.tryAcquire('lease', 100);
    await sleep(150);
    const next = await lock.tryAcquire('lease', 5000);
    expect(next).not.toBeNull();
    await slow!.release();
    expect(await lock.tryAcquire('lease', 5000)).toBeNull();
  });

  it('extends a lease only for its owner, and not once it ran out', async () => {
    const lock = make();
    // Margins of half a second or more either way: a busy machine oversleeps by 100 ms and more.
    const held = await lock.tryAcquire('renewed', 2000);
    await sleep(1000);
    expect(await held!.extend(2000)).toBe(true);
    await sleep(1500);
    // 2.5 s after acquiring, past the first lease: the renewed one still holds.
    expect(await lock.tryAcquire('renewed', 300)).toBeNull();
    const lapsed = await lock.tryAcquire('lapsed', 100);
    await sleep(150);
    const next = await lock.tryAcquire('lapsed', 5000);
    expect(await lapsed!.extend(5000)).toBe(false);
    expect(await next!.extend(5000)).toBe(true);
  });

  it('gives up waiting with a clear error', async () => {
    const lock = make();
    await lock.tryAcquire('busy', 10_000);
    await expect(acquireWithin(lock, 'busy', { ttlMs: 1000, waitMs: 100 })).rejects.toThrow(
      /Timed out after \d+ ms waiting for lock busy/,
    );
  });
}

describe('memory lock', () => lockContract(() => new MemoryLock()));

describeRedis('redis lock', () => {
  let redis: RedisClient;
  const prefix = uniquePrefix('lock');
  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.close();
  });
  lockContract(
    () =>
      new RedisLock({ client: redis, prefix: `${prefix}:${Math.random().toString(36).slice(2)}` }),
  );
});
