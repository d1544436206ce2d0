/**
 * Remembers which push deliveries were already handled, so WeChat's retries (up to 3, when we
 * answer late) are applied once. A Redis implementation maps firstSeen to `SET key 1 NX EX ttl`
 * and release to `DEL key`.
 */
export interface PushDedup {
  /** Atomically records `key`; true when it was not recorded yet (the caller owns the delivery). */
  firstSeen(key: string, ttlSeconds: number): Promise<boolean>;
  /**
   * Forgets `key` after the caller failed to handle the delivery, so WeChat's retry is handled
   * instead of being mistaken for a duplicate. Optional: without it a failed delivery is dropped.
   */
  release?(key: string): Promise<void>;
}

/** Ports with release implemented. */
export type ReleasablePushDedup = Required<PushDedup>;

const SWEEP_INTERVAL_MS = 60_000;

/** In-process dedup for a single instance and for tests. `now` is in milliseconds. */
export function memoryPushDedup(options: { now?: () => number } = {}): ReleasablePushDedup {
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();
  let lastSweep = now();

  // Expired keys are dropped lazily; a periodic sweep keeps one-off keys from piling up.
  function sweep(at: number): void {
    if (at - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = at;
    for (const [key, expiresAt] of expiries) if (expiresAt <= at) expiries.delete(key);
  }

  return {
    async firstSeen(key, ttlSeconds) {
      if (!(ttlSeconds > 0)) throw new RangeError(`ttlSeconds must be positive, got ${ttlSeconds}`);
      const at = now();
      sweep(at);
      const expiresAt = expiries.get(key);
      if (expiresAt !== undefined && expiresAt > at) return false;
      expiries.set(key, at + ttlSeconds * 1000);
      return true;
    },
    async release(key) {
      expiries.delete(key);
    },
  };
}
