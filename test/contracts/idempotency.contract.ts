import { describe, expect, it } from '@jest/globals';
import { withStoreCase, type StoreContract } from '../helpers/store-contract.js';
import type { IdempotencyStore } from '../../src/services/sending/idempotency/idempotency-store.js';

const APP = 'wxapp0000000001';

export const idempotencyStoreContract: StoreContract<IdempotencyStore> = (name, makeStore) => {
  const withStore = withStoreCase(makeStore);

  describe(`IdempotencyStore contract: ${name}`, () => {
    it(
      'lets the first claim win and tells later claims the winner',
      withStore(async ({ store }) => {
        expect(
          await store.claim(APP, 'key-1', {
            fingerprint: 'fp-a',
            messageId: 'MSG1',
            ttlSeconds: 600,
          }),
        ).toEqual({
          claimed: true,
        });
        expect(
          await store.claim(APP, 'key-1', {
            fingerprint: 'fp-b',
            messageId: 'MSG2',
            ttlSeconds: 600,
          }),
        ).toEqual({
          claimed: false,
          fingerprint: 'fp-a',
          messageId: 'MSG1',
        });
        expect(
          await store.claim(APP, 'key-2', {
            fingerprint: 'fp-b',
            messageId: 'MSG2',
            ttlSeconds: 600,
          }),
        ).toEqual({
          claimed: true,
        });
      }),
    );

    it(
      'gives a key to exactly one of 20 concurrent claims',
      withStore(async ({ store }) => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.claim(APP, 'raced', {
              fingerprint: `fp-${i}`,
              messageId: `MSG${i}`,
              ttlSeconds: 600,
            }),
          ),
        );
        const winners = results.flatMap((r, i) => (r.claimed ? [i] : []));
        expect(winners).toHaveLength(1);
        const winner = winners[0]!;
        for (const r of results) {
          if (!r.claimed)
            expect(r).toEqual({
              claimed: false,
              fingerprint: `fp-${winner}`,
              messageId: `MSG${winner}`,
            });
        }
      }),
    );

    it(
      'forgets a key only for the message that owns it',
      withStore(async ({ store }) => {
        await store.claim(APP, 'k', { fingerprint: 'fp', messageId: 'OWNER', ttlSeconds: 600 });
        await store.forget(APP, 'k', 'SOMEONE-ELSE');
        expect(
          await store.claim(APP, 'k', { fingerprint: 'fp2', messageId: 'LATE', ttlSeconds: 600 }),
        ).toMatchObject({
          claimed: false,
          messageId: 'OWNER',
        });
        await store.forget(APP, 'k', 'OWNER');
        expect(
          await store.claim(APP, 'k', { fingerprint: 'fp2', messageId: 'NEXT', ttlSeconds: 600 }),
        ).toEqual({
          claimed: true,
        });
        await store.forget(APP, 'never-claimed', 'X');
      }),
    );

    it(
      'keeps apps apart',
      withStore(async ({ store }) => {
        expect(
          await store.claim('wxappA', 'same', {
            fingerprint: 'a',
            messageId: 'A',
            ttlSeconds: 600,
          }),
        ).toEqual({
          claimed: true,
        });
        expect(
          await store.claim('wxappB', 'same', {
            fingerprint: 'b',
            messageId: 'B',
            ttlSeconds: 600,
          }),
        ).toEqual({
          claimed: true,
        });
        await store.forget('wxappB', 'same', 'A');
        expect(
          await store.claim('wxappA', 'same', {
            fingerprint: 'c',
            messageId: 'C',
            ttlSeconds: 600,
          }),
        ).toMatchObject({
          messageId: 'A',
        });
      }),
    );

    it(
      'accepts keys with any characters',
      withStore(async ({ store }) => {
        const key = 'order:42/retry 1 — 订单*';
        expect(
          await store.claim(APP, key, { fingerprint: 'f', messageId: 'M', ttlSeconds: 600 }),
        ).toEqual({ claimed: true });
        expect(
          await store.claim(APP, key, { fingerprint: 'g', messageId: 'N', ttlSeconds: 600 }),
        ).toMatchObject({
          claimed: false,
          messageId: 'M',
        });
        expect(
          await store.claim(APP, 'order:42', { fingerprint: 'g', messageId: 'N', ttlSeconds: 600 }),
        ).toEqual({
          claimed: true,
        });
      }),
    );

    it(
      'releases a key once its TTL has passed',
      withStore(async ({ store, passTime }) => {
        await store.claim(APP, 'short', { fingerprint: 'fp', messageId: 'FIRST', ttlSeconds: 1 });
        await store.claim(APP, 'long', { fingerprint: 'fp', messageId: 'KEPT', ttlSeconds: 600 });
        await passTime(1100);
        expect(
          await store.claim(APP, 'short', {
            fingerprint: 'fp',
            messageId: 'SECOND',
            ttlSeconds: 600,
          }),
        ).toEqual({
          claimed: true,
        });
        expect(
          await store.claim(APP, 'long', {
            fingerprint: 'fp',
            messageId: 'OTHER',
            ttlSeconds: 600,
          }),
        ).toMatchObject({
          messageId: 'KEPT',
        });
      }),
    );

    it(
      'frees a lease its owner stops renewing, and keeps one it renews',
      withStore(async ({ store, passTime }) => {
        await store.claim(APP, 'dead', { fingerprint: 'fp', messageId: 'DEAD', ttlSeconds: 1 });
        await store.claim(APP, 'alive', { fingerprint: 'fp', messageId: 'ALIVE', ttlSeconds: 1 });
        await passTime(600);
        expect(await store.extend(APP, 'alive', 'ALIVE', 1)).toBe(true);
        await passTime(600);
        // 1.2 s after the claims: the unrenewed lease is gone, the renewed one still holds.
        expect(
          await store.claim(APP, 'dead', { fingerprint: 'fp', messageId: 'NEXT', ttlSeconds: 1 }),
        ).toEqual({ claimed: true });
        expect(
          await store.claim(APP, 'alive', { fingerprint: 'fp', messageId: 'NEXT', ttlSeconds: 1 }),
        ).toMatchObject({ claimed: false, messageId: 'ALIVE' });
      }),
    );

    it(
      'remembers a finished request for the window it was extended to',
      withStore(async ({ store, passTime }) => {
        await store.claim(APP, 'done', { fingerprint: 'fp', messageId: 'DONE', ttlSeconds: 1 });
        expect(await store.extend(APP, 'done', 'DONE', 600)).toBe(true);
        await passTime(1100);
        expect(
          await store.claim(APP, 'done', { fingerprint: 'fp', messageId: 'LATE', ttlSeconds: 1 }),
        ).toEqual({ claimed: false, fingerprint: 'fp', messageId: 'DONE' });
      }),
    );

    it(
      'extends a key only for the message that owns it, and not once it expired',
      withStore(async ({ store, passTime }) => {
        await store.claim(APP, 'owned', { fingerprint: 'fp', messageId: 'OWNER', ttlSeconds: 1 });
        expect(await store.extend(APP, 'owned', 'INTRUDER', 600)).toBe(false);
        expect(await store.extend(APP, 'never-claimed', 'OWNER', 600)).toBe(false);
        await passTime(1100);
        expect(await store.extend(APP, 'owned', 'OWNER', 600)).toBe(false);
        expect(
          await store.claim(APP, 'owned', { fingerprint: 'fp', messageId: 'NEXT', ttlSeconds: 1 }),
        ).toEqual({ claimed: true });
        await expect(store.extend(APP, 'owned', 'NEXT', 0)).rejects.toThrow(/ttlSeconds/);
      }),
    );

    it(
      'rejects an empty key, naming it',
      withStore(async ({ store }) => {
        await expect(
          store.claim(APP, '', { fingerprint: 'f', messageId: 'M', ttlSeconds: 1 }),
        ).rejects.toMatchObject({
          field: 'idempotencyKey',
        });
        await expect(
          store.claim(APP, 'k', { fingerprint: 'f', messageId: 'M', ttlSeconds: 0 }),
        ).rejects.toThrow(/ttlSeconds/);
      }),
    );
  });
};
