// Key layout:
//   ${prefix}:{${appId}}:idem:${key}    string  JSON {"fingerprint","messageId"}; TTL the lease while
//                                             the send runs, then the idempotency window
// The client's key is the last component, so whatever characters it holds cannot reach another
// app's or another store's keys.
import type { RedisClient } from '../../../infra/redis/redis-connection.js';
import { LuaScript } from '../../../infra/redis/redis-lua.js';
import {
  assertClaim,
  assertIdempotencyKey,
  assertTtlSeconds,
  type ClaimResult,
  type IdempotencyStore,
} from './idempotency-store.js';

export interface RedisIdempotencyStoreOptions {
  client: RedisClient;
  prefix: string;
}

/**
 * SET NX EX, or the current winner, in one step: a separate GET after a failed SET NX could find
 * the key just expired and have nobody to report.
 */
const claimScript = new LuaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])
`);

/** Deletes the key only while it still names ARGV[1] as its message. */
const forgetScript = new LuaScript(`
local value = redis.call('GET', KEYS[1])
if value and cjson.decode(value).messageId == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Resets the TTL only while the key still names ARGV[1] as its message. */
const extendScript = new LuaScript(`
local value = redis.call('GET', KEYS[1])
if value and cjson.decode(value).messageId == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return 0
`);

export class RedisIdempotencyStore implements IdempotencyStore {
  constructor(private readonly options: RedisIdempotencyStoreOptions) {}

  async claim(
    appId: string,
    key: string,
    r: { fingerprint: string; messageId: string; ttlSeconds: number },
  ): Promise<ClaimResult> {
    assertIdempotencyKey(appId, key);
    assertClaim(r);
    const value = JSON.stringify({ fingerprint: r.fingerprint, messageId: r.messageId });
    const reply = await claimScript.run(
      this.options.client,
      [this.key(appId, key)],
      [value, String(r.ttlSeconds)],
    );
    if (reply === null) return { claimed: true };
    if (typeof reply !== 'string')
      throw new Error('unexpected reply from the idempotency claim script');
    const winner = JSON.parse(reply) as { fingerprint: string; messageId: string };
    return { claimed: false, fingerprint: winner.fingerprint, messageId: winner.messageId };
  }

  async extend(
    appId: string,
    key: string,
    messageId: string,
    ttlSeconds: number,
  ): Promise<boolean> {
    assertIdempotencyKey(appId, key);
    assertTtlSeconds(ttlSeconds);
    const reply = await extendScript.run(
      this.options.client,
      [this.key(appId, key)],
      [messageId, String(ttlSeconds)],
    );
    return reply === 1;
  }

  async forget(appId: string, key: string, messageId: string): Promise<void> {
    assertIdempotencyKey(appId, key);
    await forgetScript.run(this.options.client, [this.key(appId, key)], [messageId]);
  }

  private key(appId: string, key: string): string {
    return `${this.options.prefix}:{${appId}}:idem:${key}`;
  }
}
