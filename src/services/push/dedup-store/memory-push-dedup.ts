import { systemClock, type Clock } from '../../../shared/clock.js';
import { ExpiringMap } from '../../../infra/memory/expiring-map.js';
import { assertDedupKey, assertTtl, type PushDedup } from './push-dedup.js';

/** Single-process dedup set; expiry follows the injected clock (milliseconds). */
export class MemoryPushDedup implements PushDedup {
  private readonly seen: ExpiringMap<true>;

  constructor(deps: { now?: Clock } = {}) {
    this.seen = new ExpiringMap(deps.now ?? systemClock);
  }

  async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    assertDedupKey(key);
    assertTtl(ttlSeconds);
    if (this.seen.get(key) !== undefined) return false;
    this.seen.set(key, true, ttlSeconds * 1000);
    return true;
  }

  async release(key: string): Promise<void> {
    assertDedupKey(key);
    this.seen.delete(key);
  }
}
