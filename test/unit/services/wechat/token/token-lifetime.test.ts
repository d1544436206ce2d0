import { describe, expect, it } from '@jest/globals';
import { tokenLifetimeMs } from '../../../../../src/services/wechat/token/token-lifetime.js';

describe('tokenLifetimeMs', () => {
  it('stops a full-length token the margin early', () => {
    expect(tokenLifetimeMs(7200, 300)).toBe(6900_000);
  });

  it('never yields zero or a negative TTL for a stable_token reply near 300 s', () => {
    for (const expiresIn of [345, 301, 300, 299]) {
      expect(tokenLifetimeMs(expiresIn, 300)).toBeGreaterThanOrEqual(60_000);
      expect(tokenLifetimeMs(expiresIn, 300)).toBeLessThanOrEqual(expiresIn * 1000);
    }
  });

  it('keeps a positive TTL below the floor without outliving the token', () => {
    expect(tokenLifetimeMs(30, 300)).toBe(15_000);
    expect(tokenLifetimeMs(1, 300)).toBe(1000);
    expect(tokenLifetimeMs(0, 300)).toBe(1000);
    expect(tokenLifetimeMs(Number.NaN, 300)).toBe(1000);
  });
});
