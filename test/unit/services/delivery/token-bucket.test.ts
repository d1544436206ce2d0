import { describe, expect, it } from '@jest/globals';
import { MemoryDeliveryEngine } from '../../../../src/services/delivery/memory-delivery-engine.js';
import { TokenBucket } from '../../../../src/services/delivery/token-bucket.js';
import { silentLogger } from '../../../../src/shared/logger.js';

describe('TokenBucket', () => {
  it('gives capacity tokens at once, then one per period ÷ capacity', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 1000, () => now);
    expect(bucket.waitMs()).toBe(0);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
    expect(bucket.waitMs()).toBe(500);
    now += 499;
    expect(bucket.take()).toBe(false);
    now += 1;
    expect(bucket.waitMs()).toBe(0);
    expect(bucket.take()).toBe(true);
  });
});

describe('MemoryDeliveryEngine.status', () => {
  it('is not rate limited while a token is there, even when the clock moves between readings', async () => {
    let now = 1_000_000;
    // Every reading of the clock is a millisecond later, as on a busy machine.
    const engine = new MemoryDeliveryEngine({
      rateLimit: { max: 100, perSeconds: 1 },
      concurrency: 1,
      logger: silentLogger,
      now: () => now++,
    });
    try {
      expect(await engine.status()).toEqual({ rateLimitedUntil: null, pausedUntil: null });
    } finally {
      await engine.close();
    }
  });
});
