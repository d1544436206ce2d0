import {
  newLockOwner,
  type DistributedLock,
  type LockClaim,
  type LockHandle,
} from '../../shared/lock.js';
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
    const claim = this.claim(key, ttlMs);
    return (await claim.tryTake()) ? claim.handle : null;
  }

  /**
   * `storeKey` is `${prefix}:lock:${key}`: a key that starts with a `{hash tag}` keeps the lock in
   * that tag's Cluster slot, so scripts of the same tag may take and free it (LOCK_IN_SCRIPT).
   */
  claim(key: string, ttlMs: number): LockClaim {
    const owner = newLockOwner();
    const redisKey = `${this.prefix}:lock:${key}`;
    return {
      owner,
      ttlMs,
      storeKey: redisKey,
      tryTake: async () => {
        const ok = await this.client
          .set(redisKey, owner, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } })
          .catch((error: unknown) => {
            throw translateRedisError(error);
          });
        return ok === 'OK';
      },
      handle: {
        owner,
        release: async () => {
          await RELEASE.run(this.client, [redisKey], [owner]);
        },
        extend: async (ttl) =>
          (await EXTEND.run(this.client, [redisKey], [owner, String(ttl)])) === 1,
      },
    };
  }
}

/**
 * Lua for scripts that take or free a RedisLock (a claim's storeKey and owner) in their own step:
 * lockBusy(key) while anybody holds it (a claim never takes a lock twice, like SET NX);
 * takeLock(key, owner, ttlMs) once the script checked it free; freeLock(key, owner) is RELEASE's
 * compare-and-delete.
 */
export const LOCK_IN_SCRIPT = `
local function lockBusy(key)
  return redis.call('EXISTS', key) == 1
end
local function takeLock(key, owner, ttlMs)
  redis.call('SET', key, owner, 'PX', ttlMs)
end
local function freeLock(key, owner)
  if redis.call('GET', key) == owner then redis.call('DEL', key) end
end
`;
