import { describe, expect, it } from '@jest/globals';
import { withStoreCase, type StoreContract } from '../helpers/store-contract.js';
import { BadUserInputError } from '../../src/shared/errors.js';
import {
  directSendFields,
  DuplicateMessageError,
  DuplicateMessageKeyError,
  MessageNotFoundError,
  newMessageId,
  type MessageFilter,
  type MessagePatch,
  type MessageRecord,
  type MessageStatus,
  type MessageStore,
  type PendingStatus,
} from '../../src/services/messages/message-store.js';
import { encodeCursor, type Page } from '../../src/shared/page.js';

const T0 = Date.UTC(2024, 0, 1);
const at = (n: number) => new Date(T0 + n * 1000);
const APP = 'wxapp0000000001';
const BIG_MSGID = '2097683633284153344'; // above 2^53: a JS number would change its last digits

function message(overrides: Partial<MessageRecord> & { n?: number } = {}): MessageRecord {
  const { n = 0, ...rest } = overrides;
  return {
    id: newMessageId(at(n)),
    appId: APP,
    openid: 'oUser1',
    templateId: 'tplA',
    status: 'SENDING',
    errcode: null,
    errmsg: null,
    msgid: null,
    attempts: 0,
    data: { thing1: '订单已发货', time2: '2024-01-01 10:00' },
    page: 'pages/order/detail?id=42',
    miniprogramState: 'formal',
    lang: 'zh_CN',
    idempotencyKey: null,
    createdAt: at(n),
    sentAt: null,
    deliveredAt: null,
    deliveryErrorCode: null,
    deliveryErrorStatus: null,
    ...directSendFields(at(n)),
    ...rest,
  };
}

async function listAll(store: MessageStore, appId: string, filter: MessageFilter, first = 100) {
  const items: MessageRecord[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Page<MessageRecord> = await store.list(appId, filter, { first, after });
    items.push(...page.items);
    if (!page.hasNextPage) return items;
    after = page.endCursor;
  }
}

/** How many messages of `appId` match `filter`. */
async function countOf(store: MessageStore, filter: MessageFilter, appId = APP): Promise<number> {
  return (await store.list(appId, filter, { first: 1 })).totalCount;
}

export const messageStoreContract: StoreContract<MessageStore> = (name, makeStore) => {
  const withStore = withStoreCase(makeStore);

  describe(`MessageStore contract: ${name}`, () => {
    it(
      'round-trips every field exactly, nulls included',
      withStore(async ({ store }) => {
        const bare = message({ n: 1 });
        await store.create(bare);
        expect(await store.get(APP, bare.id)).toEqual(bare);

        const full = message({
          n: 2,
          status: 'DELIVERY_FAILED',
          errcode: 0,
          errmsg: '',
          msgid: BIG_MSGID,
          attempts: 2,
          data: { 'key with space': 'a "quoted" \\ value', emoji: '🚚', empty: '' },
          page: null,
          idempotencyKey: 'idem-1',
          sentAt: new Date(T0 + 2345),
          deliveredAt: new Date(T0 + 9999),
          deliveryErrorCode: 10004,
          deliveryErrorStatus: 'failed: user refused',
        });
        await store.create(full);
        expect(await store.get(APP, full.id)).toEqual(full);
        expect(await store.get(APP, 'NOSUCHID')).toBeNull();
      }),
    );

    it(
      'refuses to create a message whose id exists',
      withStore(async ({ store }) => {
        const m = message();
        await store.create(m);
        await expect(store.create({ ...m, status: 'SENT' })).rejects.toBeInstanceOf(
          DuplicateMessageError,
        );
        expect(await store.get(APP, m.id)).toEqual(m);
      }),
    );

    it(
      'updates fields, moves the status indexes and finds the message by a 64-bit msgid',
      withStore(async ({ store }) => {
        const m = message({ n: 1 });
        const other = message({ n: 2 });
        await store.create(m);
        await store.create(other);
        const sent = await store.update(APP, m.id, {
          status: 'SENT',
          msgid: BIG_MSGID,
          attempts: 1,
          sentAt: at(3),
          errcode: 0,
          errmsg: 'ok',
        });
        expect(sent).toEqual({
          ...m,
          status: 'SENT',
          msgid: BIG_MSGID,
          attempts: 1,
          sentAt: at(3),
          errcode: 0,
          errmsg: 'ok',
        });
        expect(await store.get(APP, m.id)).toEqual(sent);
        expect(await store.findByMsgid(APP, BIG_MSGID)).toEqual(sent);
        expect(await store.findByMsgid(APP, '2097683633284153345')).toBeNull();

        const ids = async (status: MessageStatus) =>
          (await listAll(store, APP, { status })).map((r) => r.id);
        expect(await ids('SENDING')).toEqual([other.id]);
        expect(await ids('SENT')).toEqual([m.id]);

        const delivered = await store.update(APP, m.id, {
          status: 'DELIVERED',
          deliveredAt: at(4),
        });
        expect(await ids('SENT')).toEqual([]);
        expect(await ids('DELIVERED')).toEqual([m.id]);
        expect(
          await countOf(store, { status: 'DELIVERED', openid: 'oUser1', templateId: 'tplA' }),
        ).toBe(1);
        expect(await store.findByMsgid(APP, BIG_MSGID)).toEqual(delivered);
      }),
    );

    it(
      'sets fields back to null and leaves unmentioned fields alone',
      withStore(async ({ store }) => {
        const m = message({
          errcode: 45009,
          errmsg: 'reach max api daily quota limit',
          status: 'FAILED',
        });
        await store.create(m);
        const cleared = await store.update(APP, m.id, {
          errcode: null,
          errmsg: null,
          page: undefined,
        });
        expect(cleared).toEqual({ ...m, errcode: null, errmsg: null });
        expect(await store.get(APP, m.id)).toEqual(cleared);
        expect(await store.update(APP, m.id, {})).toEqual(cleared);
      }),
    );

    it(
      'moves the msgid index when the msgid changes or is cleared',
      withStore(async ({ store }) => {
        const m = message({ msgid: '111' });
        await store.create(m);
        expect((await store.findByMsgid(APP, '111'))?.id).toBe(m.id);
        await store.update(APP, m.id, { msgid: '222' });
        expect(await store.findByMsgid(APP, '111')).toBeNull();
        expect((await store.findByMsgid(APP, '222'))?.id).toBe(m.id);
        await store.update(APP, m.id, { msgid: null });
        expect(await store.findByMsgid(APP, '222')).toBeNull();
      }),
    );

    it(
      'moves openid and template indexes when those change',
      withStore(async ({ store }) => {
        const m = message({ openid: 'oBefore', templateId: 'tplBefore' });
        await store.create(m);
        await store.update(APP, m.id, { openid: 'oAfter', templateId: 'tplAfter' });
        expect(await countOf(store, { openid: 'oBefore' })).toBe(0);
        expect(await countOf(store, { templateId: 'tplBefore' })).toBe(0);
        expect(
          (
            await store.list(APP, { openid: 'oAfter', templateId: 'tplAfter' }, { first: 5 })
          ).items.map((r) => r.id),
        ).toEqual([m.id]);
      }),
    );

    it(
      'fails to update an unknown message',
      withStore(async ({ store }) => {
        await expect(store.update(APP, newMessageId(), { status: 'SENT' })).rejects.toBeInstanceOf(
          MessageNotFoundError,
        );
        expect(await countOf(store, {})).toBe(0);
      }),
    );

    it(
      'keeps apps apart',
      withStore(async ({ store }) => {
        const a = message({ appId: 'wxappA', msgid: '42' });
        const b = message({ appId: 'wxappB', msgid: '42' });
        await store.create(a);
        await store.create(b);
        expect((await store.findByMsgid('wxappA', '42'))?.id).toBe(a.id);
        expect((await store.findByMsgid('wxappB', '42'))?.id).toBe(b.id);
        expect(await store.get('wxappB', a.id)).toBeNull();
        await expect(store.update('wxappB', a.id, { status: 'SENT' })).rejects.toBeInstanceOf(
          MessageNotFoundError,
        );
        expect((await store.list('wxappA', {}, { first: 5 })).items.map((r) => r.id)).toEqual([
          a.id,
        ]);
        expect(await countOf(store, { status: 'SENT' }, 'wxappA')).toBe(0);
      }),
    );

    it(
      'lists newest first',
      withStore(async ({ store }) => {
        const created: string[] = [];
        for (let n = 0; n < 5; n++) {
          const m = message({ n });
          created.push(m.id);
          await store.create(m);
        }
        const page = await store.list(APP, {}, { first: 10 });
        expect(page.items.map((m) => m.id)).toEqual([...created].reverse());
        expect(page).toMatchObject({ hasNextPage: false, totalCount: 5 });
      }),
    );

    describe('filters and pagination', () => {
      const statuses: MessageStatus[] = [
        'SENDING',
        'SENT',
        'FAILED',
        'DELIVERED',
        'DELIVERY_FAILED',
      ];
      /** 45 messages across 3 users, 2 templates and every status. */
      async function seed(store: MessageStore) {
        const all: MessageRecord[] = [];
        for (let i = 0; i < 45; i++) {
          const m = message({
            n: Math.floor(i / 3), // several per second: order then comes from the id's own sequence
            openid: `oUser${i % 3}`,
            templateId: i % 2 === 0 ? 'tplA' : 'tplB',
            status: statuses[i % 5]!,
          });
          await store.create(m);
          all.push(m);
        }
        return all.reverse(); // newest first
      }

      it(
        'walks 45 messages in pages of 20 without gaps or duplicates',
        withStore(async ({ store }) => {
          const expected = (await seed(store)).map((m) => m.id);
          const p1 = await store.list(APP, {}, { first: 20 });
          const p2 = await store.list(APP, {}, { first: 20, after: p1.endCursor });
          const p3 = await store.list(APP, {}, { first: 20, after: p2.endCursor });
          expect([p1, p2, p3].map((p) => [p.items.length, p.hasNextPage, p.totalCount])).toEqual([
            [20, true, 45],
            [20, true, 45],
            [5, false, 45],
          ]);
          expect([...p1.items, ...p2.items, ...p3.items].map((m) => m.id)).toEqual(expected);
          expect(await store.list(APP, {}, { first: 20, after: p3.endCursor })).toEqual({
            items: [],
            endCursor: null,
            hasNextPage: false,
            totalCount: 45,
          });
        }),
      );

      it(
        'stays stable when messages change status between pages',
        withStore(async ({ store }) => {
          const expected = (await seed(store)).map((m) => m.id);
          const p1 = await store.list(APP, {}, { first: 20 });
          for (const id of [expected[0]!, expected[19]!, expected[20]!, expected[30]!]) {
            await store.update(APP, id, { status: 'DELIVERED', msgid: '9', attempts: 3 });
          }
          await store.create(message({ n: 1000 })); // newer than page 1: not part of this walk
          const ids = p1.items.map((m) => m.id);
          let after = p1.endCursor;
          for (;;) {
            const page = await store.list(APP, {}, { first: 20, after });
            ids.push(...page.items.map((m) => m.id));
            if (!page.hasNextPage) break;
            after = page.endCursor;
          }
          expect(ids).toEqual(expected);
        }),
      );

      it(
        'agrees with the records for every combination of filters, with matching counts',
        withStore(async ({ store }) => {
          const all = await seed(store);
          for (const openid of [undefined, 'oUser0', 'oUser2', 'oNobody'])
            for (const templateId of [undefined, 'tplA', 'tplB'])
              for (const status of [undefined, ...statuses]) {
                const filter: MessageFilter = { openid, templateId, status };
                const expected = all
                  .filter(
                    (m) =>
                      (openid === undefined || m.openid === openid) &&
                      (templateId === undefined || m.templateId === templateId) &&
                      (status === undefined || m.status === status),
                  )
                  .map((m) => m.id);
                const page = await store.list(APP, filter, { first: 4 });
                expect({ filter, count: page.totalCount }).toEqual({
                  filter,
                  count: expected.length,
                });
                expect({
                  filter,
                  ids: (await listAll(store, APP, filter, 4)).map((m) => m.id),
                }).toEqual({
                  filter,
                  ids: expected,
                });
              }
          // Spot checks written out by hand, so the test does not only agree with itself.
          expect(await countOf(store, { openid: 'oUser0' })).toBe(15);
          expect(await countOf(store, { templateId: 'tplA' })).toBe(23);
          expect(await countOf(store, { status: 'FAILED' })).toBe(9);
          expect(
            await countOf(store, { openid: 'oUser0', templateId: 'tplA', status: 'SENDING' }),
          ).toBe(2);
        }),
      );

      it(
        'prunes messages older than the cutoff with their indexes and msgid mapping, oldest first',
        withStore(async ({ store }) => {
          const old = [
            message({ n: 1, status: 'SENT', msgid: '1001' }),
            message({ n: 2, openid: 'oUser2', templateId: 'tplB', status: 'FAILED' }),
            message({ n: 3, status: 'DELIVERED', msgid: BIG_MSGID }),
          ];
          const kept = [message({ n: 10, status: 'SENT', msgid: '1010' }), message({ n: 11 })];
          const otherApp = message({ n: 1, appId: 'wxotherapp0001' });
          for (const m of [...old, ...kept, otherApp]) await store.create(m);

          // A cutoff is exclusive: the message created exactly at it stays.
          expect(await store.prune(APP, at(2), 1)).toBe(1);
          expect(await store.get(APP, old[0]!.id)).toBeNull();
          expect(await store.get(APP, old[1]!.id)).not.toBeNull();
          expect(await store.prune(APP, at(10), 100)).toBe(2);
          expect(await store.prune(APP, at(10), 100)).toBe(0);

          for (const m of old) expect(await store.get(APP, m.id)).toBeNull();
          expect(await store.findByMsgid(APP, '1001')).toBeNull();
          expect(await store.findByMsgid(APP, BIG_MSGID)).toBeNull();
          expect(await store.findByMsgid(APP, '1010')).toEqual(kept[0]);
          expect((await listAll(store, APP, {})).map((m) => m.id)).toEqual(
            kept.map((m) => m.id).reverse(),
          );
          for (const filter of [
            { openid: 'oUser2' },
            { templateId: 'tplB' },
            { status: 'FAILED' as const },
            { status: 'DELIVERED' as const },
            { openid: 'oUser1', status: 'SENT' as const },
          ]) {
            expect({ filter, page: await store.list(APP, filter, { first: 10 }) }).toMatchObject({
              filter,
              page: {
                items: filter.status === 'SENT' ? [kept[0]] : [],
                totalCount: filter.status === 'SENT' ? 1 : 0,
              },
            });
          }
          expect(await store.get('wxotherapp0001', otherApp.id)).toEqual(otherApp);
          await expect(store.prune(APP, at(10), 0)).rejects.toThrow(/limit/);
          await expect(store.prune(APP, new Date(Number.NaN), 10)).rejects.toThrow(/cutoff/);
        }),
      );

      it(
        'rejects bad first and after naming the field',
        withStore(async ({ store }) => {
          for (const first of [0, 101, 2.5]) {
            const error = await store.list(APP, {}, { first }).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(BadUserInputError);
            expect(error).toMatchObject({ field: 'first' });
          }
          for (const after of [
            '%%%',
            encodeCursor('sub', '0000000000000001|abc'),
            encodeCursor('msg', 'has space'),
          ]) {
            const error = await store.list(APP, {}, { first: 5, after }).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(BadUserInputError);
            expect(error).toMatchObject({ field: 'after' });
          }
          await expect(
            store.list(APP, { status: 'LOST' as MessageStatus }, { first: 5 }),
          ).rejects.toMatchObject({
            field: 'status',
          });
        }),
      );
    });

    describe('delivery engine fields and lookups', () => {
      const scheduled = (n: number, extra: Partial<MessageRecord> = {}) =>
        message({ n, status: 'SCHEDULED', sendAt: at(100 + n), ...extra });

      it(
        'round-trips the engine fields and finds a message by its key',
        withStore(async ({ store }) => {
          const m = message({
            n: 3,
            status: 'HELD',
            key: 'order:42/ship',
            sendAt: at(50),
            expiresAt: at(500),
            trigger: { name: 'order.paid', matchKey: 'order:42', timeoutAt: at(200) },
            skipReason: null,
            campaignId: 'cmp1',
            scheduleKey: 'daily@2024-01-01T09:00:00.000Z',
            inputHash: 'c0ffee',
            updatedAt: at(4),
          });
          await store.create(m);
          expect(await store.get(APP, m.id)).toEqual(m);
          expect(await store.findByKey(APP, 'order:42/ship')).toEqual(m);
          expect(await store.findByKey(APP, 'order:43/ship')).toBeNull();
          expect(await store.findByKey('wxotherapp', 'order:42/ship')).toBeNull();
          const skipped = await store.update(APP, m.id, {
            status: 'SKIPPED',
            skipReason: 'TRIGGER_TIMEOUT',
            trigger: null,
            updatedAt: at(5),
          });
          expect(skipped).toEqual({
            ...m,
            status: 'SKIPPED',
            skipReason: 'TRIGGER_TIMEOUT',
            trigger: null,
            updatedAt: at(5),
          });
          expect(await store.get(APP, m.id)).toEqual(skipped);
        }),
      );

      it(
        'refuses a second message with the same key and stores nothing of it',
        withStore(async ({ store }) => {
          const first = scheduled(1, { key: 'k1' });
          await store.create(first);
          const second = scheduled(2, { key: 'k1' });
          const error = await store.create(second).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(DuplicateMessageKeyError);
          expect(error).toMatchObject({ existingId: first.id });
          expect(await store.get(APP, second.id)).toBeNull();
          expect((await store.list(APP, {}, { first: 10 })).totalCount).toBe(1);
        }),
      );

      it(
        'transitions only from the given statuses, moving the indexes with it',
        withStore(async ({ store }) => {
          const m = scheduled(1);
          await store.create(m);
          const refused = await store.transition(APP, m.id, ['QUEUED'], { status: 'SENDING' });
          expect(refused).toEqual({ applied: false, record: m });
          const moved = await store.transition(APP, m.id, ['SCHEDULED', 'QUEUED'], {
            status: 'SENDING',
            updatedAt: at(7),
          });
          expect(moved).toEqual({
            applied: true,
            record: { ...m, status: 'SENDING', updatedAt: at(7) },
          });
          expect((await store.list(APP, { status: 'SCHEDULED' }, { first: 5 })).totalCount).toBe(0);
          expect((await store.list(APP, { status: 'SENDING' }, { first: 5 })).totalCount).toBe(1);
          expect(await store.listDue(APP, 'SCHEDULED', at(10_000), 10)).toEqual([]);
          expect(await store.transition(APP, newMessageId(), ['SENDING'], {})).toEqual({
            applied: false,
            record: null,
          });
        }),
      );

      it(
        'creates many at once with every index, leaving an id that exists as it was',
        withStore(async ({ store }) => {
          const old = message({ n: 1, status: 'SENT', campaignId: 'cmpMany' });
          await store.create(old);
          const fresh = [2, 3, 4].map((n) =>
            message({
              n,
              status: 'QUEUED',
              sendAt: at(n),
              campaignId: 'cmpMany',
              batchId: 'batch-cmpMany-0',
              openid: `oMany${n}`,
            }),
          );
          const again = { ...old, status: 'QUEUED' as const, batchId: 'batch-cmpMany-0' };
          expect(await store.createMany([fresh[0]!, again, fresh[1]!, fresh[2]!])).toEqual([
            true,
            false,
            true,
            true,
          ]);
          for (const m of fresh) expect(await store.get(APP, m.id)).toEqual(m);
          expect(await store.get(APP, old.id)).toEqual(old);
          expect(await store.countByCampaign(APP, 'cmpMany')).toEqual({ SENT: 1, QUEUED: 3 });
          expect(await countOf(store, { status: 'QUEUED', openid: 'oMany3' })).toBe(1);
          expect((await store.listDue(APP, 'QUEUED', at(3), 10)).map((m) => m.id)).toEqual([
            fresh[0]!.id,
            fresh[1]!.id,
          ]);
          expect(await store.createMany([])).toEqual([]);
        }),
      );

      it(
        'creates many only without caller keys, and then stores none of them',
        withStore(async ({ store }) => {
          const plain = message({ n: 1, status: 'QUEUED' });
          const keyed = message({ n: 2, status: 'QUEUED', key: 'k-many' });
          await expect(store.createMany([plain, keyed])).rejects.toThrow(/caller key/);
          expect(await countOf(store, {})).toBe(0);
        }),
      );

      it(
        'lets exactly one of many concurrent compare-and-sets win',
        withStore(async ({ store }) => {
          const m = message({ status: 'QUEUED', sendAt: at(1) });
          await store.create(m);
          const results = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              store.transition(APP, m.id, ['QUEUED'], { status: 'SENDING', attempts: i + 1 }),
            ),
          );
          expect(results.filter((r) => r.applied)).toHaveLength(1);
          expect((await store.get(APP, m.id))?.status).toBe('SENDING');
        }),
      );

      it(
        'keeps its own copy: what a caller passed or got back can change without changing it',
        withStore(async ({ store }) => {
          const given = scheduled(1, {
            status: 'HELD',
            trigger: { name: 'paid', matchKey: 'o-1', timeoutAt: at(100) },
          });
          const kept = structuredClone(given);
          await store.create(given);
          given.data.thing1 = 'changed';
          given.createdAt.setTime(0);
          given.sendAt!.setTime(0);
          given.trigger!.timeoutAt.setTime(0);
          given.trigger!.matchKey = 'changed';
          expect(await store.get(APP, kept.id)).toEqual(kept);

          const patch = {
            data: { thing1: 'patched' },
            updatedAt: at(5),
            trigger: { name: 'paid', matchKey: 'o-2', timeoutAt: at(200) },
          };
          const updated = await store.update(APP, kept.id, patch);
          const afterUpdate = { ...kept, ...structuredClone(patch) };
          patch.data.thing1 = 'changed';
          patch.updatedAt.setTime(0);
          patch.trigger.timeoutAt.setTime(0);
          updated.data.thing1 = 'changed';
          updated.sendAt!.setTime(0);
          expect(await store.get(APP, kept.id)).toEqual(afterUpdate);

          const sentAt = at(9);
          const moved = await store.transition(APP, kept.id, ['HELD'], {
            status: 'QUEUED',
            sentAt,
          });
          sentAt.setTime(0);
          moved.record!.createdAt.setTime(0);
          (await store.get(APP, kept.id))!.updatedAt.setTime(0);
          expect(await store.get(APP, kept.id)).toEqual({
            ...afterUpdate,
            status: 'QUEUED',
            sentAt: at(9),
          });
        }),
      );

      it(
        'refuses a field that cannot change or has the wrong type, and stores nothing of it',
        withStore(async ({ store }) => {
          const m = scheduled(1);
          const refused = (fields: Record<string, unknown>) =>
            ({ ...m, ...fields }) as MessageRecord;
          await expect(store.create(refused({ extra: 1 }))).rejects.toThrow(
            'message field extra cannot be changed',
          );
          await expect(store.create(refused({ data: { thing1: 3 } }))).rejects.toThrow(
            'message field data must be an object of strings',
          );
          await expect(store.create(refused({ sendAt: new Date(Number.NaN) }))).rejects.toThrow(
            'message field sendAt must be a Date or null',
          );
          await expect(store.create(refused({ createdAt: 'today' }))).rejects.toThrow(
            'message field createdAt must be a Date',
          );
          expect(await store.get(APP, m.id)).toBeNull();
          await store.create(m);
          const patch = (fields: Record<string, unknown>) => fields as MessagePatch;
          await expect(store.update(APP, m.id, patch({ key: 'k' }))).rejects.toThrow(
            'message field key cannot be changed',
          );
          await expect(store.update(APP, m.id, patch({ msgid: '12a' }))).rejects.toThrow(
            'message field msgid must be a decimal string or null',
          );
          await expect(
            store.transition(APP, m.id, ['SCHEDULED'], patch({ attempts: -1 })),
          ).rejects.toThrow('message field attempts must be a non-negative integer');
          await expect(
            store.transition(APP, m.id, ['SCHEDULED'], patch({ createdAt: at(5) })),
          ).rejects.toThrow('message field createdAt cannot be changed');
          expect(await store.get(APP, m.id)).toEqual(m);
        }),
      );

      it(
        'lists pending messages by due time, per status',
        withStore(async ({ store }) => {
          const late = scheduled(1, { sendAt: at(300) });
          const early = scheduled(2, { sendAt: at(100) });
          const held = message({
            n: 3,
            status: 'HELD',
            trigger: { name: 'paid', matchKey: 'o1', timeoutAt: at(150) },
          });
          const queued = message({ n: 4, status: 'QUEUED', sendAt: at(120) });
          const sending = message({ n: 5, status: 'SENDING', updatedAt: at(130) });
          const sent = message({ n: 6, status: 'SENT', sendAt: at(1) });
          for (const m of [late, early, held, queued, sending, sent]) await store.create(m);
          const due = async (status: PendingStatus, until: number) =>
            (await store.listDue(APP, status, at(until), 10)).map((r) => r.id);
          expect(await due('SCHEDULED', 1000)).toEqual([early.id, late.id]);
          expect(await due('SCHEDULED', 200)).toEqual([early.id]);
          expect(await store.listDue(APP, 'SCHEDULED', at(1000), 1)).toEqual([early]);
          expect(await due('HELD', 149)).toEqual([]);
          expect(await due('HELD', 150)).toEqual([held.id]);
          expect(await due('QUEUED', 1000)).toEqual([queued.id]);
          expect(await due('SENDING', 130)).toEqual([sending.id]);
          // A reschedule moves the due time.
          await store.update(APP, late.id, { sendAt: at(50) });
          expect(await due('SCHEDULED', 60)).toEqual([late.id]);
        }),
      );

      it(
        'pages due messages from an offset, ties by id, and refuses a page it cannot give',
        withStore(async ({ store }) => {
          const first = scheduled(1, { sendAt: at(10) });
          const tied = [2, 3, 4].map((n) => scheduled(n, { sendAt: at(20) }));
          for (const m of [first, ...tied]) await store.create(m);
          const order = [first.id, ...tied.map((m) => m.id).sort()];
          const page = async (offset: number) =>
            (await store.listDue(APP, 'SCHEDULED', at(1000), 2, offset)).map((r) => r.id);
          expect(await page(0)).toEqual(order.slice(0, 2));
          expect(await page(2)).toEqual(order.slice(2, 4));
          expect(await page(4)).toEqual([]);
          await expect(store.listDue(APP, 'SCHEDULED', at(1000), 0)).rejects.toThrow(/limit/);
          await expect(store.listDue(APP, 'SCHEDULED', at(1000), 2, -1)).rejects.toThrow(/offset/);
          await expect(store.listDue(APP, 'SCHEDULED', at(1000), 2, 1.5)).rejects.toThrow(/offset/);
        }),
      );

      it(
        'finds HELD messages by trigger until they leave HELD',
        withStore(async ({ store }) => {
          const trigger = { name: 'order:paid', matchKey: 'a:b', timeoutAt: at(100) };
          const a = message({ n: 1, status: 'HELD', trigger });
          const b = message({ n: 2, status: 'HELD', trigger });
          const other = message({
            n: 3,
            status: 'HELD',
            trigger: { ...trigger, matchKey: 'a:c' },
          });
          for (const m of [a, b, other]) await store.create(m);
          const held = async () =>
            (await store.listHeldByTrigger(APP, 'order:paid', 'a:b')).map((r) => r.id).sort();
          expect(await held()).toEqual([a.id, b.id].sort());
          await store.transition(APP, a.id, ['HELD'], { status: 'QUEUED' });
          expect(await held()).toEqual([b.id]);
          expect(await store.listHeldByTrigger(APP, 'order', 'paid:a:b')).toEqual([]);
        }),
      );

      it(
        'counts a campaign’s messages by status through creates, moves, refused moves and prunes',
        withStore(async ({ store }) => {
          const of = (n: number, campaignId: string | null, status: MessageStatus = 'QUEUED') =>
            message({ n, status, campaignId, openid: `oCamp${n}` });
          const a = [of(1, 'cmp:a%1'), of(2, 'cmp:a%1'), of(3, 'cmp:a%1'), of(4, 'cmp:a%1')];
          for (const m of [...a, of(5, 'cmp:a%2'), of(6, null)]) await store.create(m);
          expect(await store.countByCampaign(APP, 'cmp:a%1')).toEqual({ QUEUED: 4 });
          expect(await store.countByCampaign(APP, 'cmp:a%2')).toEqual({ QUEUED: 1 });
          expect(await store.countByCampaign(APP, 'nope')).toEqual({});
          expect(await store.countByCampaign('wxotherapp', 'cmp:a%1')).toEqual({});

          await store.transition(APP, a[0]!.id, ['QUEUED'], { status: 'SENDING' });
          await store.transition(APP, a[0]!.id, ['SENDING'], { status: 'SENT', sentAt: at(9) });
          await store.transition(APP, a[1]!.id, ['QUEUED'], { status: 'SENDING' });
          // Refused (not QUEUED any more) and a patch that keeps the status: counts stay.
          await store.transition(APP, a[0]!.id, ['QUEUED'], { status: 'CANCELLED' });
          await store.update(APP, a[2]!.id, { attempts: 2 });
          await store.update(APP, a[3]!.id, { status: 'SKIPPED', skipReason: 'EXPIRED' });
          expect(await store.countByCampaign(APP, 'cmp:a%1')).toEqual({
            QUEUED: 1,
            SENDING: 1,
            SENT: 1,
            SKIPPED: 1,
          });

          // Retention takes the final ones (not QUEUED, which still waits to be sent).
          await store.update(APP, a[1]!.id, { status: 'UNKNOWN' });
          expect(await store.prune(APP, at(1000), 10)).toBe(3);
          expect(await store.countByCampaign(APP, 'cmp:a%1')).toEqual({ QUEUED: 1 });
          expect(await store.countByCampaign(APP, 'cmp:a%2')).toEqual({ QUEUED: 1 });
        }),
      );

      it(
        'prunes a message out of every engine lookup, and keeps messages still waiting',
        withStore(async ({ store }) => {
          const trigger = { name: 'paid', matchKey: 'o-9', timeoutAt: at(100) };
          const stale = message({
            n: 1,
            status: 'SENDING',
            key: 'stale-key',
            campaignId: 'cmpP',
            scheduleKey: 'sched-p',
          });
          const held = message({ n: 2, status: 'HELD', key: 'held-key', trigger });
          const due = scheduled(3);
          for (const m of [stale, held, due]) await store.create(m);
          expect(await store.prune(APP, at(1000), 10)).toBe(1);
          expect(await store.get(APP, stale.id)).toBeNull();
          expect(await store.findByKey(APP, 'stale-key')).toBeNull();
          expect(await store.listDue(APP, 'SENDING', at(10_000), 10)).toEqual([]);
          expect((await store.list(APP, { campaignId: 'cmpP' }, { first: 5 })).totalCount).toBe(0);
          expect((await store.list(APP, { scheduleKey: 'sched-p' }, { first: 5 })).totalCount).toBe(
            0,
          );
          // The key is free again; what still waits to be sent is all there.
          await store.create(message({ n: 4, key: 'stale-key' }));
          expect(await store.findByKey(APP, 'held-key')).toEqual(held);
          expect(await store.listHeldByTrigger(APP, 'paid', 'o-9')).toEqual([held]);
          expect(await store.listDue(APP, 'SCHEDULED', at(10_000), 10)).toEqual([due]);
        }),
      );

      it(
        'filters by statuses, campaign, schedule, key and creation time',
        withStore(async ({ store }) => {
          const all: MessageRecord[] = [];
          for (let i = 0; i < 16; i++) {
            const m = message({
              n: i,
              // SENDING every fourth from 12 on: a status the Redis store indexes by status alone.
              status:
                i >= 12 && i % 2 === 0
                  ? 'SENDING'
                  : (['SCHEDULED', 'QUEUED', 'SENT'] as const)[i % 3],
              campaignId: i % 2 === 0 ? 'cmpA' : null,
              scheduleKey: i % 4 === 1 ? 'every-day' : null,
              key: `key-${i}`,
              openid: `oUser${i % 2}`,
            });
            await store.create(m);
            all.push(m);
          }
          const newestFirst = [...all].reverse();
          const cases: MessageFilter[] = [
            { statuses: ['SCHEDULED', 'SENT'] },
            { statuses: ['SCHEDULED', 'SENT'], status: 'SENT' },
            { statuses: ['QUEUED'], status: 'SENT' },
            { statuses: [] },
            { campaignId: 'cmpA' },
            { campaignId: 'cmpA', statuses: ['QUEUED', 'SENT'], openid: 'oUser0' },
            { scheduleKey: 'every-day' },
            { key: 'key-5' },
            { key: 'key-5', status: 'SENT' },
            { key: 'nope' },
            { createdAfter: at(3), createdBefore: at(8) },
            { createdAfter: at(3), statuses: ['SCHEDULED', 'QUEUED'], openid: 'oUser1' },
            { createdBefore: at(0) },
            { statuses: ['SENDING'], openid: 'oUser0' },
            { statuses: ['SENDING', 'SENT'], openid: 'oUser0' },
            { statuses: ['QUEUED', 'SENDING'], createdAfter: at(5), openid: 'oUser0' },
            { status: 'SENDING', openid: 'oUser1' },
          ];
          const expected = (f: MessageFilter) =>
            newestFirst
              .filter(
                (m) =>
                  (f.status === undefined || m.status === f.status) &&
                  (f.statuses === undefined || f.statuses.includes(m.status)) &&
                  (f.openid === undefined || m.openid === f.openid) &&
                  (f.campaignId === undefined || m.campaignId === f.campaignId) &&
                  (f.scheduleKey === undefined || m.scheduleKey === f.scheduleKey) &&
                  (f.key === undefined || m.key === f.key) &&
                  (f.createdAfter === undefined || m.createdAt > f.createdAfter) &&
                  (f.createdBefore === undefined || m.createdAt < f.createdBefore),
              )
              .map((m) => m.id);
          for (const filter of cases) {
            const page = await store.list(APP, filter, { first: 2 });
            expect({ filter, count: page.totalCount }).toEqual({
              filter,
              count: expected(filter).length,
            });
            expect({
              filter,
              ids: (await listAll(store, APP, filter, 2)).map((m) => m.id),
            }).toEqual({ filter, ids: expected(filter) });
          }
          // Written out by hand, so the test does not only agree with itself.
          expect((await store.list(APP, { campaignId: 'cmpA' }, { first: 1 })).totalCount).toBe(8);
          expect(
            (await store.list(APP, { status: 'SENDING', openid: 'oUser0' }, { first: 1 }))
              .totalCount,
          ).toBe(2);
          expect(
            (await store.list(APP, { createdAfter: at(3), createdBefore: at(8) }, { first: 1 }))
              .totalCount,
          ).toBe(4);
          await expect(
            store.list(APP, { statuses: ['LOST' as MessageStatus] }, { first: 5 }),
          ).rejects.toMatchObject({ field: 'statuses' });
        }),
      );
    });
  });
};
