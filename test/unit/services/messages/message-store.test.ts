import { describe, expect, it } from '@jest/globals';
import { MemoryMessageStore } from '../../../../src/services/messages/memory-message-store.js';
import {
  messageKeyBase,
  RedisMessageStore,
} from '../../../../src/services/messages/redis-message-store.js';
import {
  directSendFields,
  messageIdTimePrefix,
  newMessageId,
} from '../../../../src/services/messages/message-store.js';
import { deletePrefix, uniquePrefix } from '../../../helpers/redis.js';
import { runStoreContract } from '../../../helpers/store-contract.js';
import { messageStoreContract } from '../../../contracts/message.contract.js';
import { sentMessageRecord } from '../../../helpers/message-record.js';

runStoreContract(messageStoreContract, {
  redisTitle: 'RedisMessageStore',
  memory: () => ({ store: new MemoryMessageStore() }),
  redis: (client, prefix) => ({ store: new RedisMessageStore({ client, prefix }) }),
  redisOnly: (client) => {
    it('leaves no key behind once every message of an app is pruned, per-user subsets of an older layout included', async () => {
      const prefix = uniquePrefix('messages-prune');
      try {
        const store = new RedisMessageStore({ client: client(), prefix });
        const createdAt = new Date(Date.UTC(2024, 0, 1));
        const idx = `${messageKeyBase(prefix, 'wxprune')}:idx`;
        for (let i = 0; i < 30; i++) {
          const m = sentMessageRecord({
            appId: 'wxprune',
            openid: `oUser${i % 4}`,
            templateId: `tpl${i % 3}`,
            status: i % 2 ? 'SENT' : 'DELIVERED',
            msgid: String(5000 + i),
            createdAt,
          });
          await store.create(m);
          // Half of them as the older layout left them: also in the per-user subsets, of their
          // status and of one they passed through.
          if (i % 2 === 0) {
            const user = `${idx}:o:${m.openid}`;
            for (const key of [
              `${user}:t:${m.templateId}`,
              `${user}:s:${m.status}`,
              `${user}:t:${m.templateId}:s:${m.status}`,
              `${user}:s:QUEUED`,
              `${user}:t:${m.templateId}:s:SENDING`,
              `${idx}:t:${m.templateId}:s:SENDING`,
            ])
              await client().zAdd(key, { score: 0, value: m.id });
          }
        }
        let pruned = 0;
        for (let batch = -1; batch !== 0; pruned += batch) {
          batch = await store.prune('wxprune', new Date(createdAt.getTime() + 1), 7);
        }
        expect(pruned).toBe(30);
        const left: string[] = [];
        for await (const keys of client().scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
          left.push(...keys);
        expect(left).toEqual([]);
      } finally {
        await deletePrefix(client(), prefix);
      }
    });

    it('stores the msgid as a string, never as a number', async () => {
      const prefix = uniquePrefix('messages-msgid');
      try {
        const store = new RedisMessageStore({ client: client(), prefix });
        const id = newMessageId();
        await store.create({
          id,
          appId: 'wxmsgid',
          openid: 'o1',
          templateId: 't1',
          status: 'SENT',
          errcode: 0,
          errmsg: 'ok',
          msgid: '2097683633284153344',
          attempts: 1,
          data: {},
          page: null,
          miniprogramState: 'formal',
          lang: 'zh_CN',
          idempotencyKey: null,
          createdAt: new Date(1),
          sentAt: new Date(2),
          deliveredAt: null,
          deliveryErrorCode: null,
          deliveryErrorStatus: null,
          ...directSendFields(new Date(1)),
        });
        expect(await client().hGet(`${prefix}:{wxmsgid}:msg:rec:${id}`, 'msgid')).toBe(
          '2097683633284153344',
        );
        expect(await client().hGet(`${prefix}:{wxmsgid}:msg:msgid`, '2097683633284153344')).toBe(
          id,
        );
      } finally {
        await deletePrefix(client(), prefix);
      }
    });
  },
});

describe('newMessageId', () => {
  it('is URL-safe, 26 characters and unique', () => {
    const ids = Array.from({ length: 5000 }, () => newMessageId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50)) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('sorts lexically in creation order, within one millisecond too', () => {
    const same = new Date(Date.UTC(2024, 5, 1));
    const ids = Array.from({ length: 1000 }, () => newMessageId(same));
    expect([...ids].sort()).toEqual(ids);
    const later = newMessageId(new Date(same.getTime() + 1));
    expect(later > ids[ids.length - 1]!).toBe(true);
    const earlier = newMessageId(new Date(same.getTime() - 1));
    expect(earlier < ids[0]!).toBe(true);
  });

  it('starts with the time prefix of its instant, then 80 random bits with the top one clear', () => {
    for (const ms of [0, 1, 31, 32, Date.UTC(2024, 5, 1), 2 ** 40 + 12345, 2 ** 48 - 1]) {
      const at = new Date(ms);
      // Alternating with another millisecond: every id draws fresh random bits.
      const other = new Date(ms === 0 ? 1 : ms - 1);
      const ids = Array.from({ length: 40 }, (_, i) => newMessageId(i % 2 ? other : at));
      for (const id of ids.filter((_, i) => i % 2 === 0)) {
        expect(id.slice(0, 10)).toBe(messageIdTimePrefix(at));
        expect(id[10]).toMatch(/[0-9A-F]/);
      }
    }
  });

  it('rejects an invalid time', () => {
    expect(() => newMessageId(new Date(Number.NaN))).toThrow(RangeError);
  });
});
