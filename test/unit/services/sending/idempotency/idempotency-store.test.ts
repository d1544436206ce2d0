import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryIdempotencyStore } from '../../../../../src/services/sending/idempotency/memory-idempotency-store.js';
import { RedisIdempotencyStore } from '../../../../../src/services/sending/idempotency/redis-idempotency-store.js';
import type { RedisClient } from '../../../../../src/infra/redis/redis-connection.js';
import {
  connectTestRedis,
  deletePrefix,
  describeRedis,
  uniquePrefix,
} from '../../../../helpers/redis.js';
import { idempotencyStoreContract } from '../../../../contracts/idempotency.contract.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

idempotencyStoreContract('memory', async () => {
  let now = Date.UTC(2024, 0, 1);
  return {
    store: new MemoryIdempotencyStore({ now: () => now }),
    cleanup: async () => undefined,
    passTime: async (ms) => {
      now += ms;
    },
  };
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

describeRedis('RedisIdempotencyStore', () => {
  let client: RedisClient;
  beforeAll(async () => {
    client = await connectTestRedis();
  });
  afterAll(async () => {
    await client.close();
  });

  idempotencyStoreContract('redis', async () => {
    const prefix = uniquePrefix('idem');
    return {
      store: new RedisIdempotencyStore({ client, prefix }),
      cleanup: () => deletePrefix(client, prefix),
      // Redis expires keys with millisecond precision when they are read, so a bounded real wait
      // past the TTL is enough.
      passTime: sleep,
    };
  });

  it('stores the claim under prefix:appId:idem with the requested TTL', async () => {
    const prefix = uniquePrefix('idem-keys');
    try {
      const store = new RedisIdempotencyStore({ client, prefix });
      await store.claim('wxkeys', 'abc', { fingerprint: 'f', messageId: 'M', ttlSeconds: 300 });
      const ttl = await client.ttl(`${prefix}:wxkeys:idem:abc`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300);
    } finally {
      await deletePrefix(client, prefix);
    }
  });
});
