import { describe, expect, it } from '@jest/globals';
import { MemoryPushDedup } from '../../../../../src/services/push/dedup-store/memory-push-dedup.js';
import { RedisPushDedup } from '../../../../../src/services/push/dedup-store/redis-push-dedup.js';
import { deletePrefix, uniquePrefix } from '../../../../helpers/redis.js';
import { fakeClock, runStoreContract } from '../../../../helpers/store-contract.js';
import { pushDedupContract } from '../../../../contracts/push-dedup.contract.js';

runStoreContract(pushDedupContract, {
  redisTitle: 'RedisPushDedup',
  memory: () => {
    const clock = fakeClock();
    return { store: new MemoryPushDedup({ now: clock.now }), passTime: clock.passTime };
  },
  // Redis expiry is millisecond-precise on read: the default real wait past the TTL suffices.
  redis: (client, prefix) => ({ store: new RedisPushDedup({ client, prefix }) }),
  redisOnly: (client) => {
    it('stores keys under prefix:pushdedup with the TTL', async () => {
      const prefix = uniquePrefix('dedup-keys');
      try {
        await new RedisPushDedup({ client: client(), prefix }).firstSeen('wxapp:evt:1', 120);
        const ttl = await client().ttl(`${prefix}:pushdedup:wxapp:evt:1`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(120);
      } finally {
        await deletePrefix(client(), prefix);
      }
    });
  },
});

describe('MemoryPushDedup expiry', () => {
  it('remembers a key until exactly its TTL has passed on the injected clock', async () => {
    let now = 0;
    const dedup = new MemoryPushDedup({ now: () => now });
    expect(await dedup.firstSeen('k', 5)).toBe(true);
    now = 4_999;
    expect(await dedup.firstSeen('k', 5)).toBe(false);
    now = 5_000;
    expect(await dedup.firstSeen('k', 5)).toBe(true);
  });

  it('drops expired keys that are never read again', async () => {
    let now = 0;
    const dedup = new MemoryPushDedup({ now: () => now });
    for (let i = 0; i < 5000; i++) {
      await dedup.firstSeen(`old-${i}`, 1);
    }
    now = 10_000;
    for (let i = 0; i < 5000; i++) await dedup.firstSeen(`new-${i}`, 60);
    const size = (dedup as unknown as { seen: { entries: Map<string, unknown> } }).seen.entries
      .size;
    expect(size).toBeLessThan(10_000);
    expect(await dedup.firstSeen('new-1', 60)).toBe(false);
  });
});
