import { describe, expect, it } from '@jest/globals';
import { MemoryPushDedup } from '../../../../src/services/push/index.js';

describe('MemoryPushDedup', () => {
  it('reports a key as first seen once, until its TTL expires', async () => {
    let now = 1_000_000;
    const dedup = new MemoryPushDedup({ now: () => now });
    expect(await dedup.firstSeen('o1:1:e', 10)).toBe(true);
    expect(await dedup.firstSeen('o1:1:e', 10)).toBe(false);
    expect(await dedup.firstSeen('o1:2:e', 10)).toBe(true);
    now += 9_999;
    expect(await dedup.firstSeen('o1:1:e', 10)).toBe(false);
    now += 1;
    expect(await dedup.firstSeen('o1:1:e', 10)).toBe(true);
  });

  it('forgets a released key at once', async () => {
    const dedup = new MemoryPushDedup();
    expect(await dedup.firstSeen('k', 3600)).toBe(true);
    await dedup.release('k');
    expect(await dedup.firstSeen('k', 3600)).toBe(true);
    expect(await dedup.firstSeen('k', 3600)).toBe(false);
  });

  it('lets exactly one of several concurrent callers own a key', async () => {
    const dedup = new MemoryPushDedup();
    const results = await Promise.all(Array.from({ length: 5 }, () => dedup.firstSeen('k', 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('rejects a non-positive TTL', async () => {
    await expect(new MemoryPushDedup().firstSeen('k', 0)).rejects.toThrow(
      /ttlSeconds must be a positive integer/,
    );
  });
});
