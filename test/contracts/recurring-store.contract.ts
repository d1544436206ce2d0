import { describe, expect, it } from '@jest/globals';
import { withStoreCase, type StoreContract } from '../helpers/store-contract.js';
import type {
  RecurringScheduleRecord,
  RecurringScheduleStore,
} from '../../src/services/recurring/recurring-store.js';

const APP = 'wxapp0000000001';
const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000);

function schedule(key: string, overrides: Partial<RecurringScheduleRecord> = {}) {
  return {
    appId: APP,
    key,
    openid: 'oUser1',
    templateId: 'tplA',
    data: { thing1: '提醒' },
    page: null,
    miniprogramState: 'formal',
    lang: 'zh_CN',
    cron: '0 9 * * *',
    timezone: 'Asia/Shanghai',
    startAt: null,
    endAt: at(86_400),
    limit: 3,
    occurrences: 0,
    lastRunAt: null,
    version: `v-${key}`,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  } satisfies RecurringScheduleRecord;
}

export const recurringStoreContract: StoreContract<RecurringScheduleStore> = (name, makeCase) => {
  const withStore = withStoreCase(makeCase);

  describe(`RecurringScheduleStore contract: ${name}`, () => {
    it(
      'stores, replaces and deletes a schedule by key, per app',
      withStore(async ({ store }) => {
        const first = schedule('daily:7');
        await store.put(first);
        expect(await store.get(APP, 'daily:7')).toEqual(first);
        expect(await store.get('wxother000000001', 'daily:7')).toBeNull();
        const replaced = schedule('daily:7', { cron: '0 10 * * *', version: 'v2', endAt: null });
        await store.put(replaced);
        expect(await store.get(APP, 'daily:7')).toEqual(replaced);
        expect((await store.list(APP, { first: 10 })).totalCount).toBe(1);
        expect(await store.delete(APP, 'daily:7')).toBe(true);
        expect(await store.delete(APP, 'daily:7')).toBe(false);
        expect(await store.get(APP, 'daily:7')).toBeNull();
        expect((await store.list(APP, { first: 10 })).totalCount).toBe(0);
      }),
    );

    it(
      'counts a run only for the stored version, keeping the latest lastRunAt',
      withStore(async ({ store }) => {
        await store.put(schedule('k', { version: 'v1' }));
        expect(await store.recordRun(APP, 'k', 'v1', at(20))).toMatchObject({
          occurrences: 1,
          lastRunAt: at(20),
        });
        expect(await store.recordRun(APP, 'k', 'v1', at(10))).toMatchObject({
          occurrences: 2,
          lastRunAt: at(20),
        });
        expect(await store.recordRun(APP, 'k', 'old', at(30))).toBeNull();
        expect(await store.recordRun(APP, 'missing', 'v1', at(30))).toBeNull();
        await store.put(schedule('k', { version: 'v2' }));
        expect(await store.get(APP, 'k')).toMatchObject({ occurrences: 0, lastRunAt: null });
      }),
    );

    it(
      'pages by key with opaque cursors',
      withStore(async ({ store }) => {
        const keys = Array.from({ length: 5 }, (_, i) => `s${i}`);
        for (const key of [...keys].reverse()) await store.put(schedule(key));
        const p1 = await store.list(APP, { first: 2 });
        expect(p1.items.map((r) => r.key)).toEqual(['s0', 's1']);
        expect(p1).toMatchObject({ hasNextPage: true, totalCount: 5 });
        const p2 = await store.list(APP, { first: 2, after: p1.endCursor });
        const p3 = await store.list(APP, { first: 2, after: p2.endCursor });
        expect([...p2.items, ...p3.items].map((r) => r.key)).toEqual(['s2', 's3', 's4']);
        expect(p3.hasNextPage).toBe(false);
        await expect(store.list(APP, { first: 2, after: 'nonsense!' })).rejects.toMatchObject({
          field: 'after',
        });
        await expect(store.list(APP, { first: 0 })).rejects.toMatchObject({ field: 'first' });
      }),
    );
  });
};
