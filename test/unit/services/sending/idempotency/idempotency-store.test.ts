import { describe, expect, it } from '@jest/globals';
import { MemoryIdempotencyStore } from '../../../../../src/services/sending/idempotency/memory-idempotency-store.js';
import { RedisIdempotencyStore } from '../../../../../src/services/sending/idempotency/redis-idempotency-store.js';
import { deletePrefix, uniquePrefix } from '../../../../helpers/redis.js';
import { fakeClock, runStoreContract } from '../../../../helpers/store-contract.js';
import { idempotencyStoreContract } from '../../../../contracts/idempotency.contract.js';

runStoreContract(idempotencyStoreContract, {
  redisTitle: 'RedisIdempotencyStore',
  memory: () => {
    const clock = fakeClock();
    return { store: new MemoryIdempotencyStore({ now: clock.now }), passTime: clock.passTime };
  },
  // Redis expires keys with millisecond precision when they are read, so the default bounded real
  // wait past the TTL is enough.
  redis: (client, prefix) => ({ store: new RedisIdempotencyStore({ client, prefix }) }),
  redisOnly: (client) => {
    it('stores the claim under prefix:appId:idem with the requested TTL', async () => {
      const prefix = uniquePrefix('idem-keys');
      try {
        const store = new RedisIdempotencyStore({ client: client(), prefix });
        await store.claim('wxkeys', 'abc', { fingerprint: 'f', messageId: 'M', ttlSeconds: 300 });
        const ttl = await client().ttl(`${prefix}:{wxkeys}:idem:abc`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(300);
      } finally {
        await deletePrefix(client(), prefix);
      }
    });
  },
});

describe('MemoryIdempotencyStore expiry', () => {
  it('holds a key until exactly its TTL has passed on the injected clock', async () => {
    let now = 1_000_000;
    const store = new MemoryIdempotencyStore({ now: () => now });
    await store.claim('wxapp', 'k', { fingerprint: 'f', messageId: 'A', ttlSeconds: 10 });
    now += 9_999;
    expect(
      await store.claim('wxapp', 'k', { fingerprint: 'f', messageId: 'B', ttlSeconds: 10 }),
    ).toMatchObject({
      claimed: false,
      messageId: 'A',
    });
    now += 1;
    expect(
      await store.claim('wxapp', 'k', { fingerprint: 'f', messageId: 'C', ttlSeconds: 10 }),
    ).toEqual({ claimed: true });
  });
});
