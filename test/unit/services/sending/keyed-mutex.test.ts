import { describe, expect, it } from '@jest/globals';
import { ChainedKeyedMutex } from '../../../../src/services/sending/keyed-mutex.js';
import { MemoryLock } from '../../../../src/shared/lock.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ChainedKeyedMutex across processes', () => {
  it('keeps renewing the shared lease while work outlasts it, so no other process gets in', async () => {
    // Two mutexes over one lock stand for two gateway processes sharing a Redis.
    const lock = new MemoryLock();
    const first = new ChainedKeyedMutex({ shared: lock, ttlMs: 300, waitMs: 5000 });
    const second = new ChainedKeyedMutex({ shared: lock, ttlMs: 300, waitMs: 5000 });
    const events: string[] = [];
    const slow = first.runExclusive('user', async () => {
      events.push('first in');
      await sleep(1000);
      events.push('first out');
    });
    await sleep(50);
    await second.runExclusive('user', async () => {
      events.push('second in');
    });
    await slow;
    expect(events).toEqual(['first in', 'first out', 'second in']);
  });

  it('frees the key within one lease of a holder that stopped renewing (it died)', async () => {
    const lock = new MemoryLock();
    await lock.tryAcquire('user', 300); // taken, then never renewed nor released
    const survivor = new ChainedKeyedMutex({ shared: lock, ttlMs: 300, waitMs: 5000 });
    expect(await survivor.runExclusive('user', async () => 'sent')).toBe('sent');
  });
});
