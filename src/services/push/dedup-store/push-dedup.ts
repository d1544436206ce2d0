/**
 * Remembers WeChat event pushes already handled: WeChat retries a push it thinks failed, and the
 * retry must not count a credit twice. Keys arrive namespaced by the caller (app id included).
 */
export interface PushDedup {
  /** True exactly once per key while it is remembered (ttlSeconds from the first sighting). */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
  /** Lets the key be seen again, e.g. when handling the push failed and WeChat should retry. */
  release(key: string): Promise<void>;
}

export function assertDedupKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) {
    throw new Error('push dedup key must be 1-512 characters');
  }
}

export function assertTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new Error(`push dedup ttlSeconds must be a positive integer, got ${String(ttlSeconds)}`);
  }
}
