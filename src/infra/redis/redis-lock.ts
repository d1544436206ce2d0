import { randomUUID } from 'node:crypto';
import type { DistributedLock, LockHandle } from '../../shared/lock.js';
import type { RedisClient } from './redis-connection.js';
import { LuaScript } from './redis-lua.js';
import { translateRedisError } from './store-unavailable.js';

// Deletes the key only while it still holds our owner id: a compare-and-delete in one step.
const RELEASE = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
);

// Resets the TTL only while the key still holds our owner id.
const EXTEND = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
);

/** SET NX PX with an owner id; shared by every gateway process on the same Redis. */
export class RedisLock implements DistributedLock {
  private readonly client: RedisClient;
  private readonly prefix: string;

  constructor(deps: { client: RedisClient; prefix: string }) {
    this.client = deps.client;
    this.prefix = deps.prefix;
  }

  async tryAcquire(key: string, ttlMs: number): Promise<LockHandle | null> {
    const owner = randomUUID();
    const redisKey = `${this.prefix}:lock:${key}`;
    const ok = await this.client
      .set(redisKey, owner, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } })
      .catch((error: unknown) => {
        throw translateRedisError(error);
      });
    if (ok !== 'OK') return null;
    return {
      owner,
      release: async () => {
        await RELEASE.run(this.client, [redisKey], [owner]);
      },
      extend: async (ttl) =>
        (await EXTEND.run(this.client, [redisKey], [owner, String(ttl)])) === 1,
    };
  }
}
