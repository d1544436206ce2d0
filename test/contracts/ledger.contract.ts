import { describe, expect, it } from '@jest/globals';
import { withStoreCase, type StoreContract } from '../helpers/store-contract.js';
import { BadUserInputError } from '../../src/shared/errors.js';
import {
  hasQuota,
  subscriptionId,
  type LedgerSource,
  type LedgerStore,
  type SubscribeStatus,
  type SubscriptionFilter,
  type SubscriptionKey,
  type SubscriptionRecord,
} from '../../src/services/ledger/ledger-store.js';
import { encodeCursor, type Page } from '../../src/shared/page.js';

const T0 = Date.UTC(2024, 0, 1);
/** A distinct, exactly representable instant `n` seconds after T0. */
const at = (n: number) => new Date(T0 + n * 1000);
const APP = 'wxapp0000000001';
const key = (openid: string, templateId: string, appId = APP): SubscriptionKey => ({
  appId,
  openid,
  templateId,
});

async function accept(
  store: LedgerStore,
  k: SubscriptionKey,
  n: number,
  when: Date,
  longTerm = false,
) {
  let last: SubscriptionRecord | undefined;
  for (let i = 0; i < n; i++)
    last = await store.record(k, { status: 'ACCEPT', longTerm, source: 'client', at: when });
  return last;
}

async function listAll(store: LedgerStore, appId: string, filter: SubscriptionFilter, first = 100) {
  const items: SubscriptionRecord[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Page<SubscriptionRecord> = await store.list(appId, filter, { first, after });
    items.push(...page.items);
    if (!page.hasNextPage) return items;
    after = page.endCursor;
  }
}

const byListOrder = (a: SubscriptionRecord, b: SubscriptionRecord) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const ledgerStoreContract: StoreContract<LedgerStore> = (name, makeStore) => {
  const withStore = withStoreCase(makeStore);

  describe(`LedgerStore contract: ${name}`, () => {
    describe('record', () => {
      it(
        'ACCEPT of a one-time template grants one credit, and credits accumulate',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          const first = await store.record(k, {
            status: 'ACCEPT',
            longTerm: false,
            source: 'client',
            at: at(1),
          });
          expect(first).toEqual({
            id: subscriptionId('oUser1', 'tplOneTime'),
            appId: APP,
            openid: 'oUser1',
            templateId: 'tplOneTime',
            longTerm: false,
            status: 'ACCEPT',
            remaining: 1,
            accepted: 1,
            sent: 0,
            source: 'client',
            createdAt: at(1),
            updatedAt: at(1),
          });
          await store.record(k, { status: 'ACCEPT', longTerm: false, source: 'events', at: at(2) });
          const third = await store.record(k, {
            status: 'ACCEPT',
            longTerm: false,
            source: 'client',
            at: at(3),
          });
          expect(third).toMatchObject({
            remaining: 3,
            accepted: 3,
            source: 'client',
            createdAt: at(1),
            updatedAt: at(3),
          });
          expect(await store.get(k)).toEqual(third);
        }),
      );

      it(
        'ACCEPT of a long-term template counts acceptances but keeps remaining null',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplLong');
          await accept(store, k, 2, at(1), true);
          expect(await store.get(k)).toMatchObject({
            longTerm: true,
            status: 'ACCEPT',
            remaining: null,
            accepted: 2,
          });
        }),
      );

      it(
        'a popup REJECT records the choice and keeps earlier credits; BAN zeroes them',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          await accept(store, k, 3, at(1));
          const rejected = await store.record(k, {
            status: 'REJECT',
            longTerm: false,
            source: 'events',
            at: at(2),
          });
          expect(rejected).toMatchObject({
            status: 'REJECT',
            remaining: 3,
            accepted: 3,
            source: 'events',
            updatedAt: at(2),
          });
          expect(hasQuota(rejected)).toBe(true);
          expect(await store.reserve(k, at(2))).toBe(true);
          await accept(store, k, 1, at(3));
          expect(await store.get(k)).toMatchObject({ status: 'ACCEPT', remaining: 3 });
          const banned = await store.record(k, {
            status: 'BAN',
            longTerm: false,
            source: 'client',
            at: at(4),
          });
          expect(banned).toMatchObject({
            status: 'BAN',
            remaining: 0,
            accepted: 4,
            source: 'client',
          });

          const lk = key('oUser1', 'tplLong');
          await accept(store, lk, 1, at(1), true);
          const longRejected = await store.record(lk, {
            status: 'REJECT',
            longTerm: true,
            source: 'events',
            at: at(5),
          });
          expect(longRejected).toMatchObject({ status: 'REJECT', remaining: null, accepted: 1 });
          expect(hasQuota(longRejected)).toBe(false);
        }),
      );

      it(
        'REJECT of an unknown subscription creates it without credit',
        withStore(async ({ store }) => {
          const created = await store.record(key('oNew', 'tplOneTime'), {
            status: 'REJECT',
            longTerm: false,
            source: 'events',
            at: at(7),
          });
          expect(created).toMatchObject({
            status: 'REJECT',
            remaining: 0,
            accepted: 0,
            sent: 0,
            createdAt: at(7),
          });
        }),
      );

      it(
        'FILTER creates an absent record without credit',
        withStore(async ({ store }) => {
          const oneTime = await store.record(key('oUser1', 'tplA'), {
            status: 'FILTER',
            longTerm: false,
            source: 'client',
            at: at(1),
          });
          expect(oneTime).toMatchObject({
            status: 'FILTER',
            remaining: 0,
            accepted: 0,
            sent: 0,
            source: 'client',
          });
          const longTerm = await store.record(key('oUser1', 'tplB'), {
            status: 'FILTER',
            longTerm: true,
            source: 'events',
            at: at(1),
          });
          expect(longTerm).toMatchObject({
            status: 'FILTER',
            remaining: null,
            accepted: 0,
            longTerm: true,
          });
          expect(await store.reserve(key('oUser1', 'tplA'), at(2))).toBe(false);
          expect(await store.reserve(key('oUser1', 'tplB'), at(2))).toBe(false);
        }),
      );

      it(
        'FILTER on an existing record changes nothing but updatedAt',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          const before = await accept(store, k, 2, at(1));
          const after = await store.record(k, {
            status: 'FILTER',
            longTerm: false,
            source: 'events',
            at: at(9),
          });
          expect(after).toEqual({ ...before, updatedAt: at(9) });
          expect(await store.get(k)).toEqual(after);
        }),
      );
    });

    describe('reserve and release', () => {
      it(
        'reserve takes one-time credits one by one and refuses at zero',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          await accept(store, k, 2, at(1));
          expect(await store.reserve(k, at(2))).toBe(true);
          expect(await store.get(k)).toMatchObject({ remaining: 1, updatedAt: at(2), sent: 0 });
          expect(await store.reserve(k, at(3))).toBe(true);
          expect(await store.reserve(k, at(4))).toBe(false);
          expect(await store.get(k)).toMatchObject({ remaining: 0, updatedAt: at(3) });
        }),
      );

      it(
        'reserve without a record is false and creates nothing',
        withStore(async ({ store }) => {
          expect(await store.reserve(key('oNobody', 'tplOneTime'), at(1))).toBe(false);
          expect(await store.get(key('oNobody', 'tplOneTime'))).toBeNull();
          expect((await store.list(APP, {}, { first: 10 })).totalCount).toBe(0);
        }),
      );

      it(
        'reserve on a long-term template succeeds while ACCEPT and takes nothing',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplLong');
          const accepted = await accept(store, k, 1, at(1), true);
          for (let i = 0; i < 5; i++) expect(await store.reserve(k, at(2))).toBe(true);
          expect(await store.get(k)).toEqual(accepted);
          await store.revoke(k, { source: 'events', at: at(3) });
          expect(await store.reserve(k, at(4))).toBe(false);
        }),
      );

      it(
        'release gives a reserved one-time credit back',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          await accept(store, k, 1, at(1));
          expect(await store.reserve(k, at(2))).toBe(true);
          await store.release(k, at(3));
          expect(await store.get(k)).toMatchObject({ remaining: 1, updatedAt: at(3) });
          expect(await store.reserve(k, at(4))).toBe(true);
        }),
      );

      it(
        'release after a popup REJECT gives the credit back only while credits are left',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          await accept(store, k, 2, at(1));
          expect(await store.reserve(k, at(2))).toBe(true);
          await store.record(k, { status: 'REJECT', longTerm: false, source: 'events', at: at(3) });
          await store.release(k, at(4));
          expect(await store.get(k)).toMatchObject({ status: 'REJECT', remaining: 2 });
          // None left: indistinguishable from a settings cancellation, so nothing comes back.
          expect(await store.reserve(k, at(5))).toBe(true);
          expect(await store.reserve(k, at(5))).toBe(true);
          await store.release(k, at(6));
          expect(await store.get(k)).toMatchObject({ status: 'REJECT', remaining: 0 });
        }),
      );

      it(
        'a settings cancellation (revoke) after a popup REJECT zeroes the kept credits',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          await accept(store, k, 2, at(1));
          await store.record(k, { status: 'REJECT', longTerm: false, source: 'events', at: at(2) });
          await store.revoke(k, { source: 'events', at: at(3) });
          expect(await store.get(k)).toMatchObject({ status: 'REJECT', remaining: 0 });
          expect(await store.reserve(k, at(4))).toBe(false);
        }),
      );

      it(
        'release after a revoke does not resurrect the credit',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          await accept(store, k, 1, at(1));
          expect(await store.reserve(k, at(2))).toBe(true);
          await store.revoke(k, { source: 'events', at: at(3) });
          await store.release(k, at(4));
          expect(await store.get(k)).toMatchObject({ status: 'REJECT', remaining: 0 });
        }),
      );

      it(
        'release on a long-term template or a missing record changes nothing',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplLong');
          const before = await accept(store, k, 1, at(1), true);
          await store.release(k, at(2));
          expect(await store.get(k)).toEqual(before);
          await store.release(key('oNobody', 'tplOneTime'), at(2));
          expect(await store.get(key('oNobody', 'tplOneTime'))).toBeNull();
        }),
      );

      it(
        'hands out exactly the available credits to 50 concurrent reservations',
        withStore(async ({ store }) => {
          const k = key('oRace', 'tplOneTime');
          await accept(store, k, 10, at(1));
          const results = await Promise.all(
            Array.from({ length: 50 }, () => store.reserve(k, at(2))),
          );
          expect(results.filter(Boolean)).toHaveLength(10);
          expect(await store.get(k)).toMatchObject({ remaining: 0, accepted: 10 });
        }),
      );
    });

    describe('recordSent, markNoCredit, revoke', () => {
      it(
        'recordSent after a reservation only counts the send',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          await accept(store, k, 2, at(1));
          await store.reserve(k, at(2));
          const sent = await store.recordSent(k, { reserved: true, at: at(3) });
          expect(sent).toMatchObject({ sent: 1, remaining: 1, updatedAt: at(3) });
        }),
      );

      it(
        'recordSent without a reservation (track policy) consumes a credit, floored at zero',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          await accept(store, k, 1, at(1));
          expect(await store.recordSent(k, { reserved: false, at: at(2) })).toMatchObject({
            sent: 1,
            remaining: 0,
          });
          expect(await store.recordSent(k, { reserved: false, at: at(3) })).toMatchObject({
            sent: 2,
            remaining: 0,
          });
        }),
      );

      it(
        'recordSent on a long-term template keeps remaining null',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplLong');
          await accept(store, k, 1, at(1), true);
          expect(await store.recordSent(k, { reserved: false, at: at(2) })).toMatchObject({
            sent: 1,
            remaining: null,
            status: 'ACCEPT',
          });
        }),
      );

      it(
        'recordSent without a record returns null and creates nothing',
        withStore(async ({ store }) => {
          expect(
            await store.recordSent(key('oNobody', 'tpl'), { reserved: false, at: at(1) }),
          ).toBeNull();
          expect(await store.get(key('oNobody', 'tpl'))).toBeNull();
        }),
      );

      it(
        'markNoCredit zeroes one-time credits and leaves long-term and missing records alone',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          await accept(store, k, 3, at(1));
          await store.markNoCredit(k, at(2));
          expect(await store.get(k)).toMatchObject({
            status: 'ACCEPT',
            remaining: 0,
            accepted: 3,
            updatedAt: at(2),
          });
          expect(await store.reserve(k, at(3))).toBe(false);

          const lk = key('oUser1', 'tplLong');
          const long = await accept(store, lk, 1, at(1), true);
          await store.markNoCredit(lk, at(2));
          expect(await store.get(lk)).toEqual(long);

          await store.markNoCredit(key('oNobody', 'tpl'), at(2));
          expect(await store.get(key('oNobody', 'tpl'))).toBeNull();
        }),
      );

      it(
        'revoke sets REJECT, zeroes one-time credits and records who did it',
        withStore(async ({ store }) => {
          const k = key('oUser1', 'tplOneTime');
          await accept(store, k, 2, at(1));
          const revoked = await store.revoke(k, { source: 'events', at: at(2) });
          expect(revoked).toMatchObject({
            status: 'REJECT',
            remaining: 0,
            accepted: 2,
            source: 'events',
            updatedAt: at(2),
          });
          expect(await store.get(k)).toEqual(revoked);

          const lk = key('oUser1', 'tplLong');
          await accept(store, lk, 1, at(1), true);
          expect(await store.revoke(lk, { source: 'client', at: at(2) })).toMatchObject({
            status: 'REJECT',
            remaining: null,
            source: 'client',
          });
          expect(
            await store.revoke(key('oNobody', 'tpl'), { source: 'events', at: at(2) }),
          ).toBeNull();
        }),
      );
    });

    it(
      'keeps apps apart: the same openid and template under two app ids are two records',
      withStore(async ({ store }) => {
        const a = key('oSame', 'tplSame', 'wxappA');
        const b = key('oSame', 'tplSame', 'wxappB');
        await accept(store, a, 3, at(1));
        await accept(store, b, 1, at(1));
        expect(await store.reserve(b, at(2))).toBe(true);
        expect(await store.reserve(b, at(3))).toBe(false);
        expect(await store.get(a)).toMatchObject({ appId: 'wxappA', remaining: 3 });
        expect(await store.get(b)).toMatchObject({ appId: 'wxappB', remaining: 0 });
        const listA = await store.list('wxappA', {}, { first: 10 });
        expect(listA.items.map((r) => r.appId)).toEqual(['wxappA']);
        expect((await store.list('wxappB', { hasQuota: true }, { first: 10 })).totalCount).toBe(0);
        expect((await store.list('wxappC', {}, { first: 10 })).totalCount).toBe(0);
      }),
    );

    describe('list filters', () => {
      /** A small app whose records cover every status and quota state, moved there by the rules. */
      async function seed(store: LedgerStore) {
        await accept(store, key('u1', 'tA'), 2, at(1)); // ACCEPT, quota
        await accept(store, key('u1', 'tB'), 1, at(2)); // → reserved away: ACCEPT, no quota
        await store.reserve(key('u1', 'tB'), at(3));
        await accept(store, key('u2', 'tA'), 1, at(4)); // → revoked: REJECT
        await store.revoke(key('u2', 'tA'), { source: 'events', at: at(5) });
        await accept(store, key('u2', 'tL'), 1, at(6), true); // long-term ACCEPT: quota
        await store.record(key('u3', 'tA'), {
          status: 'FILTER',
          longTerm: false,
          source: 'client',
          at: at(7),
        });
        await store.record(key('u3', 'tB'), {
          status: 'BAN',
          longTerm: false,
          source: 'client',
          at: at(8),
        });
        await accept(store, key('u3', 'tL'), 1, at(9), true); // long-term REJECT
        await store.record(key('u3', 'tL'), {
          status: 'REJECT',
          longTerm: true,
          source: 'events',
          at: at(10),
        });
        await accept(store, key('u4', 'tA'), 1, at(11)); // markNoCredit: ACCEPT, no quota
        await store.markNoCredit(key('u4', 'tA'), at(12));
        await accept(store, key('u4', 'tB'), 1, at(13)); // track send: ACCEPT, no quota
        await store.recordSent(key('u4', 'tB'), { reserved: false, at: at(14) });
        await accept(store, key('u5', 'tB'), 1, at(15)); // reserve + release: ACCEPT, quota
        await store.reserve(key('u5', 'tB'), at(16));
        await store.release(key('u5', 'tB'), at(17));
      }
      const names = (records: SubscriptionRecord[]) =>
        records.map((r) => `${r.openid}/${r.templateId}`);

      it(
        'serves single-dimension filters from the maintained indexes',
        withStore(async ({ store }) => {
          await seed(store);
          expect(names(await listAll(store, APP, {}))).toEqual([
            'u1/tA',
            'u1/tB',
            'u2/tA',
            'u2/tL',
            'u3/tA',
            'u3/tB',
            'u3/tL',
            'u4/tA',
            'u4/tB',
            'u5/tB',
          ]);
          expect(names(await listAll(store, APP, { openid: 'u3' }))).toEqual([
            'u3/tA',
            'u3/tB',
            'u3/tL',
          ]);
          expect(names(await listAll(store, APP, { templateId: 'tA' }))).toEqual([
            'u1/tA',
            'u2/tA',
            'u3/tA',
            'u4/tA',
          ]);
          expect(names(await listAll(store, APP, { status: 'ACCEPT' }))).toEqual([
            'u1/tA',
            'u1/tB',
            'u2/tL',
            'u4/tA',
            'u4/tB',
            'u5/tB',
          ]);
          expect(names(await listAll(store, APP, { status: 'REJECT' }))).toEqual([
            'u2/tA',
            'u3/tL',
          ]);
          expect(names(await listAll(store, APP, { status: 'FILTER' }))).toEqual(['u3/tA']);
          expect(names(await listAll(store, APP, { status: 'BAN' }))).toEqual(['u3/tB']);
          expect(names(await listAll(store, APP, { hasQuota: true }))).toEqual([
            'u1/tA',
            'u2/tL',
            'u5/tB',
          ]);
          expect(names(await listAll(store, APP, { hasQuota: false }))).toEqual([
            'u1/tB',
            'u2/tA',
            'u3/tA',
            'u3/tB',
            'u3/tL',
            'u4/tA',
            'u4/tB',
          ]);
        }),
      );

      it(
        'serves combined filters',
        withStore(async ({ store }) => {
          await seed(store);
          expect(names(await listAll(store, APP, { templateId: 'tB', hasQuota: true }))).toEqual([
            'u5/tB',
          ]);
          expect(names(await listAll(store, APP, { templateId: 'tA', status: 'ACCEPT' }))).toEqual([
            'u1/tA',
            'u4/tA',
          ]);
          expect(names(await listAll(store, APP, { status: 'ACCEPT', hasQuota: false }))).toEqual([
            'u1/tB',
            'u4/tA',
            'u4/tB',
          ]);
          expect(
            names(
              await listAll(store, APP, { templateId: 'tA', status: 'ACCEPT', hasQuota: false }),
            ),
          ).toEqual(['u4/tA']);
          expect(names(await listAll(store, APP, { openid: 'u1', hasQuota: true }))).toEqual([
            'u1/tA',
          ]);
          expect(names(await listAll(store, APP, { openid: 'u3', status: 'REJECT' }))).toEqual([
            'u3/tL',
          ]);
          expect(names(await listAll(store, APP, { openid: 'u2', templateId: 'tL' }))).toEqual([
            'u2/tL',
          ]);
          expect(
            names(await listAll(store, APP, { openid: 'u2', templateId: 'tL', hasQuota: false })),
          ).toEqual([]);
          expect(names(await listAll(store, APP, { openid: 'nobody' }))).toEqual([]);
        }),
      );

      it(
        'agrees with the records themselves for every combination of filters, with matching counts',
        withStore(async ({ store }) => {
          await seed(store);
          const all = await listAll(store, APP, {});
          const statuses: (SubscribeStatus | undefined)[] = [
            undefined,
            'ACCEPT',
            'REJECT',
            'BAN',
            'FILTER',
          ];
          for (const openid of [undefined, 'u1', 'u3', 'u9'])
            for (const templateId of [undefined, 'tA', 'tL'])
              for (const status of statuses)
                for (const quota of [undefined, true, false]) {
                  const filter: SubscriptionFilter = {
                    openid,
                    templateId,
                    status,
                    hasQuota: quota,
                  };
                  const expected = all.filter(
                    (r) =>
                      (openid === undefined || r.openid === openid) &&
                      (templateId === undefined || r.templateId === templateId) &&
                      (status === undefined || r.status === status) &&
                      (quota === undefined || hasQuota(r) === quota),
                  );
                  const page = await store.list(APP, filter, { first: 2 });
                  expect({ filter, count: page.totalCount }).toEqual({
                    filter,
                    count: expected.length,
                  });
                  expect({ filter, items: names(await listAll(store, APP, filter, 2)) }).toEqual({
                    filter,
                    items: names(expected),
                  });
                }
        }),
      );
    });

    describe('pagination', () => {
      /** 45 records; several share a createdAt so that the id tie-break is exercised. */
      async function seedMany(store: LedgerStore) {
        for (let i = 0; i < 45; i++) {
          const k = key(`o${String(44 - i).padStart(2, '0')}`, `tpl${i % 3}`);
          await store.record(k, {
            status: 'ACCEPT',
            longTerm: false,
            source: 'client',
            at: at(Math.floor(i / 4)),
          });
        }
      }

      it(
        'walks 45 records in pages of 20 in createdAt-then-id order without gaps or duplicates',
        withStore(async ({ store }) => {
          await seedMany(store);
          const p1 = await store.list(APP, {}, { first: 20 });
          expect(p1).toMatchObject({ totalCount: 45, hasNextPage: true });
          expect(p1.items).toHaveLength(20);
          const p2 = await store.list(APP, {}, { first: 20, after: p1.endCursor });
          expect(p2).toMatchObject({ totalCount: 45, hasNextPage: true });
          expect(p2.items).toHaveLength(20);
          const p3 = await store.list(APP, {}, { first: 20, after: p2.endCursor });
          expect(p3).toMatchObject({ totalCount: 45, hasNextPage: false });
          expect(p3.items).toHaveLength(5);
          const walked = [...p1.items, ...p2.items, ...p3.items];
          expect(new Set(walked.map((r) => r.id)).size).toBe(45);
          expect(walked).toEqual([...walked].sort(byListOrder));
          const end = await store.list(APP, {}, { first: 20, after: p3.endCursor });
          expect(end).toEqual({ items: [], endCursor: null, hasNextPage: false, totalCount: 45 });
        }),
      );

      it(
        'stays stable when records change between pages',
        withStore(async ({ store }) => {
          await seedMany(store);
          const expected = (await listAll(store, APP, {})).map((r) => r.id);
          const p1 = await store.list(APP, {}, { first: 20 });
          // Touch records on both sides of the cursor, and add one created later.
          for (const r of [
            p1.items[0]!,
            p1.items[19]!,
            ...(await listAll(store, APP, {})).slice(30, 33),
          ]) {
            await store.reserve(r, at(100));
            await store.record(r, {
              status: 'REJECT',
              longTerm: false,
              source: 'events',
              at: at(101),
            });
          }
          await store.record(key('oLate', 'tpl0'), {
            status: 'ACCEPT',
            longTerm: false,
            source: 'client',
            at: at(200),
          });
          const ids = p1.items.map((r) => r.id);
          let after = p1.endCursor;
          for (;;) {
            const page = await store.list(APP, {}, { first: 20, after });
            ids.push(...page.items.map((r) => r.id));
            if (!page.hasNextPage) break;
            after = page.endCursor;
          }
          expect(ids).toEqual([...expected, subscriptionId('oLate', 'tpl0')]);
        }),
      );

      it(
        'pages a filtered list while records leave the filter, without duplicates',
        withStore(async ({ store }) => {
          await seedMany(store);
          const p1 = await store.list(APP, { hasQuota: true }, { first: 20 });
          expect(p1.totalCount).toBe(45);
          const all = await listAll(store, APP, {});
          const leaving = all[25]!; // on the second page
          await store.revoke(leaving, { source: 'events', at: at(100) });
          await store.revoke(p1.items[3]!, { source: 'events', at: at(100) }); // already seen
          const p2 = await store.list(APP, { hasQuota: true }, { first: 20, after: p1.endCursor });
          const p3 = await store.list(APP, { hasQuota: true }, { first: 20, after: p2.endCursor });
          expect(p2.totalCount).toBe(43);
          const seen = [...p1.items, ...p2.items, ...p3.items].map((r) => r.id);
          expect(new Set(seen).size).toBe(seen.length);
          expect(seen).not.toContain(leaving.id);
          expect(seen).toHaveLength(44);
          expect(p3.hasNextPage).toBe(false);
        }),
      );

      it(
        "pages one user's records (served from the per-user index) with other filters",
        withStore(async ({ store }) => {
          for (let i = 0; i < 25; i++) {
            const k = key('oHeavy', `tpl${String(i).padStart(2, '0')}`);
            await store.record(k, {
              status: i % 5 === 0 ? 'REJECT' : 'ACCEPT',
              longTerm: false,
              source: 'client',
              at: at(i % 7),
            });
          }
          await accept(store, key('oOther', 'tpl00'), 1, at(0));
          const all = await listAll(store, APP, { openid: 'oHeavy' }, 10);
          expect(all).toHaveLength(25);
          expect(all).toEqual([...all].sort(byListOrder));
          const p1 = await store.list(APP, { openid: 'oHeavy', status: 'ACCEPT' }, { first: 10 });
          expect(p1).toMatchObject({ totalCount: 20, hasNextPage: true });
          const p2 = await store.list(
            APP,
            { openid: 'oHeavy', status: 'ACCEPT' },
            { first: 10, after: p1.endCursor },
          );
          expect(p2).toMatchObject({ totalCount: 20, hasNextPage: false });
          const ids = [...p1.items, ...p2.items].map((r) => r.id);
          expect(ids).toEqual(all.filter((r) => r.status === 'ACCEPT').map((r) => r.id));
        }),
      );

      it(
        'rejects a page size outside 1..100 naming first',
        withStore(async ({ store }) => {
          for (const first of [0, -1, 101, 1.5, Number.NaN]) {
            const error = await store.list(APP, {}, { first }).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(BadUserInputError);
            expect(error).toMatchObject({ field: 'first' });
          }
          expect((await store.list(APP, {}, { first: 100 })).items).toEqual([]);
        }),
      );

      it(
        'rejects a malformed after cursor naming after',
        withStore(async ({ store }) => {
          const bad = [
            'not a cursor!',
            'Zm9v',
            encodeCursor('msg', '01HZZZZZZZZZZZZZZZZZZZZZZZ'),
            encodeCursor('sub', '12|abc'),
            encodeCursor('sub', '0000000000000001|bad id'),
          ];
          for (const after of bad) {
            const error = await store.list(APP, {}, { first: 5, after }).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(BadUserInputError);
            expect(error).toMatchObject({ field: 'after' });
          }
        }),
      );

      describe('creditHolders', () => {
        /**
         * Holders and non-holders of tA (one kept by a popup REJECT), a long-term template tL, and
         * a holder of another app.
         */
        async function seedHolders(store: LedgerStore) {
          const rec = (status: SubscribeStatus, longTerm = false) => ({
            status,
            longTerm,
            source: 'client' as LedgerSource,
            at: at(9),
          });
          await accept(store, key('u1', 'tA'), 2, at(1));
          await accept(store, key('u2', 'tA'), 1, at(2)); // spent
          await store.reserve(key('u2', 'tA'), at(3));
          await accept(store, key('u3', 'tA'), 1, at(3)); // turned off in settings
          await store.revoke(key('u3', 'tA'), { source: 'events', at: at(4) });
          await store.record(key('u4', 'tA'), rec('FILTER'));
          await store.record(key('u5', 'tA'), rec('BAN'));
          await accept(store, key('u6', 'tA'), 1, at(18));
          await accept(store, key('u7', 'tA'), 3, at(19));
          await accept(store, key('u8', 'tA'), 1, at(20));
          await store.record(key('u8', 'tA'), rec('REJECT'));
          await accept(store, key('u9', 'tA', 'wxappOther'), 1, at(22));
          await accept(store, key('u1', 'tL'), 1, at(23), true);
          await accept(store, key('u2', 'tL'), 1, at(24), true);
          await store.record(key('u2', 'tL'), rec('REJECT', true));
          await accept(store, key('u3', 'tL'), 1, at(25), true);
        }
        async function allHolders(store: LedgerStore, templateId: string, first: number) {
          const openids: string[] = [];
          let after: string | null = null;
          for (;;) {
            const page = await store.creditHolders(APP, templateId, { first, after });
            openids.push(...page.openids);
            if (!page.hasNextPage) return openids;
            expect(page.endCursor).not.toBeNull();
            after = page.endCursor;
          }
        }

        it(
          'pages through the openids of list({ templateId, hasQuota: true }), in its order',
          withStore(async ({ store }) => {
            await seedHolders(store);
            expect(await allHolders(store, 'tA', 2)).toEqual(['u1', 'u6', 'u7', 'u8']);
            expect(await allHolders(store, 'tL', 2)).toEqual(['u1', 'u3']);
            for (const templateId of ['tA', 'tL', 'tNone']) {
              const listed = await listAll(store, APP, { templateId, hasQuota: true });
              for (const first of [1, 3, 1000]) {
                expect(await allHolders(store, templateId, first)).toEqual(
                  listed.map((r) => r.openid),
                );
              }
            }
            expect(await store.creditHolders(APP, 'tNone', { first: 5 })).toEqual({
              openids: [],
              endCursor: null,
              hasNextPage: false,
            });
          }),
        );

        it(
          'continues a cursor of list, and list continues one of its own',
          withStore(async ({ store }) => {
            await seedHolders(store);
            const filter = { templateId: 'tA', hasQuota: true };
            const listed = await store.list(APP, filter, { first: 2 });
            const rest = await store.creditHolders(APP, 'tA', {
              first: 10,
              after: listed.endCursor,
            });
            expect(rest).toMatchObject({ openids: ['u7', 'u8'], hasNextPage: false });
            const held = await store.creditHolders(APP, 'tA', { first: 1 });
            expect(held).toMatchObject({ openids: ['u1'], hasNextPage: true });
            const after = await store.list(APP, filter, { first: 10, after: held.endCursor });
            expect(after.items.map((r) => r.openid)).toEqual(['u6', 'u7', 'u8']);
            expect(rest.endCursor).toBe(after.endCursor);
          }),
        );

        it(
          'rejects a bad page size, template, app or cursor naming it',
          withStore(async ({ store }) => {
            await seedHolders(store);
            for (const first of [0, 1001, 2.5, Number.NaN]) {
              await expect(store.creditHolders(APP, 'tA', { first })).rejects.toMatchObject({
                field: 'first',
              });
            }
            expect((await store.creditHolders(APP, 'tA', { first: 1000 })).openids).toHaveLength(4);
            await expect(
              store.creditHolders(APP, 'has space', { first: 10 }),
            ).rejects.toMatchObject({ field: 'templateId' });
            await expect(store.creditHolders('bad:app', 'tA', { first: 10 })).rejects.toMatchObject(
              { field: 'appId' },
            );
            await expect(
              store.creditHolders(APP, 'tA', { first: 10, after: encodeCursor('msg', 'x') }),
            ).rejects.toMatchObject({ field: 'after' });
          }),
        );
      });
    });

    it(
      'rejects malformed keys and arguments with errors naming the field',
      withStore(async ({ store }) => {
        const rec = {
          status: 'ACCEPT' as SubscribeStatus,
          longTerm: false,
          source: 'client' as LedgerSource,
          at: at(1),
        };
        await expect(store.record(key('', 'tpl'), rec)).rejects.toMatchObject({ field: 'openid' });
        await expect(store.record(key('o1', 'has space'), rec)).rejects.toMatchObject({
          field: 'templateId',
        });
        await expect(store.record(key('o1', 'tpl', 'bad:app'), rec)).rejects.toMatchObject({
          field: 'appId',
        });
        await expect(
          store.record(key('o1', 'tpl'), { ...rec, status: 'MAYBE' as SubscribeStatus }),
        ).rejects.toMatchObject({
          field: 'status',
        });
        await expect(store.reserve(key('o1', 'tpl'), new Date(Number.NaN))).rejects.toMatchObject({
          field: 'at',
        });
        await expect(
          store.list(APP, { status: 'NOPE' as SubscribeStatus }, { first: 1 }),
        ).rejects.toMatchObject({
          field: 'status',
        });
      }),
    );
  });
};
