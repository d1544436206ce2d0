import { describe, expect, it } from '@jest/globals';
import { withStoreCase, type StoreContract } from '../helpers/store-contract.js';
import type { PushDedup } from '../../src/services/push/dedup-store/push-dedup.js';

export const pushDedupContract: StoreContract<PushDedup> = (name, makeStore) => {
  const withStore = withStoreCase(makeStore);

  describe(`PushDedup contract: ${name}`, () => {
    it(
      'reports a key as first seen once, and keys independently',
      withStore(async ({ store }) => {
        expect(await store.firstSeen('wxappA:evt:o1:1700000000', 600)).toBe(true);
        expect(await store.firstSeen('wxappA:evt:o1:1700000000', 600)).toBe(false);
        expect(await store.firstSeen('wxappB:evt:o1:1700000000', 600)).toBe(true);
      }),
    );

    it(
      'lets exactly one of 20 concurrent sightings be first',
      withStore(async ({ store }) => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.firstSeen('wxapp:raced', 600)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      }),
    );

    it(
      'sees a key anew after release',
      withStore(async ({ store }) => {
        expect(await store.firstSeen('wxapp:k', 600)).toBe(true);
        await store.release('wxapp:k');
        expect(await store.firstSeen('wxapp:k', 600)).toBe(true);
        expect(await store.firstSeen('wxapp:k', 600)).toBe(false);
        await store.release('wxapp:never-seen');
      }),
    );

    it(
      'sees a key anew once its TTL has passed',
      withStore(async ({ store, passTime }) => {
        expect(await store.firstSeen('wxapp:short', 1)).toBe(true);
        expect(await store.firstSeen('wxapp:long', 600)).toBe(true);
        await passTime(1100);
        expect(await store.firstSeen('wxapp:short', 600)).toBe(true);
        expect(await store.firstSeen('wxapp:long', 600)).toBe(false);
      }),
    );
  });
};
