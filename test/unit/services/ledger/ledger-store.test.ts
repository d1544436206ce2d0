import { describe, expect, it } from '@jest/globals';
import { MemoryLedgerStore } from '../../../../src/services/ledger/memory-ledger-store.js';
import { RedisLedgerStore } from '../../../../src/services/ledger/redis-ledger-store.js';
import {
  parseSubscriptionId,
  subscriptionId,
} from '../../../../src/services/ledger/ledger-store.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../../../helpers/redis.js';
import { runStoreContract } from '../../../helpers/store-contract.js';
import { ledgerStoreContract } from '../../../contracts/ledger.contract.js';

runStoreContract(ledgerStoreContract, {
  redisTitle: 'RedisLedgerStore',
  memory: () => ({ store: new MemoryLedgerStore() }),
  redis: (client, prefix) => ({ store: new RedisLedgerStore({ client, prefix }) }),
  redisOnly: (client) => {
    it('keeps credits exact when 50 reservations race over several connections', async () => {
      const prefix = uniquePrefix('ledger-race');
      const clients = await Promise.all(Array.from({ length: 5 }, () => connectTestRedis()));
      try {
        const stores = clients.map((c) => new RedisLedgerStore({ client: c, prefix }));
        const key = { appId: 'wxrace', openid: 'oRace', templateId: 'tplRace' };
        for (let i = 0; i < 10; i++) {
          await stores[0]!.record(key, {
            status: 'ACCEPT',
            longTerm: false,
            source: 'client',
            at: new Date(1000),
          });
        }
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            stores[i % stores.length]!.reserve(key, new Date(2000)),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(10);
        expect(await stores[1]!.get(key)).toMatchObject({ remaining: 0, accepted: 10 });
        expect(
          (await stores[2]!.list('wxrace', { hasQuota: true }, { first: 10 })).totalCount,
        ).toBe(0);
        expect(
          (await stores[2]!.list('wxrace', { hasQuota: false }, { first: 10 })).totalCount,
        ).toBe(1);
      } finally {
        await deletePrefix(client(), prefix);
        await Promise.all(clients.map((c) => c.close()));
      }
    });

    it('keeps every key under prefix:appId and escapes separators in key parts', async () => {
      const prefix = uniquePrefix('ledger-keys');
      try {
        const store = new RedisLedgerStore({ client: client(), prefix });
        const key = { appId: 'wxkeys', openid: 'o:with:colons', templateId: 'tpl%:x' };
        await store.record(key, {
          status: 'ACCEPT',
          longTerm: false,
          source: 'client',
          at: new Date(5000),
        });
        const keys: string[] = [];
        for await (const batch of client().scanIterator({ MATCH: `${prefix}:*`, COUNT: 100 }))
          keys.push(...batch);
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.every((k) => k.startsWith(`${prefix}:{wxkeys}:ledger:`))).toBe(true);
        expect(keys).toContain(`${prefix}:{wxkeys}:ledger:idx:o:o%3Awith%3Acolons`);
        expect(keys).toContain(`${prefix}:{wxkeys}:ledger:idx:t:tpl%25%3Ax`);
        expect(
          (await store.list('wxkeys', { templateId: 'tpl%:x', status: 'ACCEPT' }, { first: 5 }))
            .totalCount,
        ).toBe(1);
      } finally {
        await deletePrefix(client(), prefix);
      }
    });
  },
});

describe('subscription ids', () => {
  it('are stable, URL-safe and reversible', () => {
    const id = subscriptionId('oUser-_1', 'tpl_AbC-9');
    expect(id).toBe(subscriptionId('oUser-_1', 'tpl_AbC-9'));
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseSubscriptionId(id)).toEqual({ openid: 'oUser-_1', templateId: 'tpl_AbC-9' });
    expect(subscriptionId('a', 'bc')).not.toBe(subscriptionId('ab', 'c'));
    expect(parseSubscriptionId('bm90LWFuLWlk')).toBeNull();
    expect(parseSubscriptionId('bad id')).toBeNull();
  });
});
