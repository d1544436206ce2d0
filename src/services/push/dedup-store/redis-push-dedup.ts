// Key layout:
//   ${prefix}:pushdedup:${key}        string  "1", with the TTL of the first sighting
// The caller's key already starts with the app id, so it is not repeated here; the fixed
// `pushdedup` segment keeps caller keys from ever reaching another store's keys.
import type { RedisClient } from '../../../infra/redis/redis-connection.js';
import { assertDedupKey, assertTtl, type PushDedup } from './push-dedup.js';

export interface RedisPushDedupOptions {
  client: RedisClient;
  prefix: string;
}

export class RedisPushDedup implements PushDedup {
  constructor(private readonly options: RedisPushDedupOptions) {}

  async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    assertDedupKey(key);
    assertTtl(ttlSeconds);
    const reply = await this.options.client.set(this.key(key), '1', {
      condition: 'NX',
      expiration: { type: 'EX', value: ttlSeconds },
    });
    return reply === 'OK';
  }

  async release(key: string): Promise<void> {
    assertDedupKey(key);
    await this.options.client.del(this.key(key));
  }

  private key(key: string): string {
    return `${this.options.prefix}:pushdedup:${key}`;
  }
}
