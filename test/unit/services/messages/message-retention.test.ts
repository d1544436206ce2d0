import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisLock } from '../../../../src/infra/redis/redis-lock.js';
import type { RedisClient } from '../../../../src/infra/redis/redis-connection.js';
import { MemoryMessageStore } from '../../../../src/services/messages/memory-message-store.js';
import { MessageRetention } from '../../../../src/services/messages/message-retention.js';
import type {
  MessageRecord,
  MessageStore,
} from '../../../../src/services/messages/message-store.js';
import { RedisMessageStore } from '../../../../src/services/messages/redis-message-store.js';
import { sentMessageRecord } from '../../../helpers/message-record.js';
import { MemoryLock } from '../../../../src/shared/lock.js';
import { recordingLogger } from '../../../helpers/recording-logger.js';
import {
  connectTestRedis,
  deletePrefix,
  describeRedis,
  uniquePrefix,
} from '../../../helpers/redis.js';

const APP = 'wxretention0001';
const NOW = new Date(Date.UTC(2025, 5, 1));
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

function message(createdAt: Date): MessageRecord {
  return sentMessageRecord({ appId: APP, openid: 'oRetentionUser', createdAt });
}

/** 5 messages older than 90 days, 2 younger; returns the young ones' ids. */
async function fill(store: MessageStore): Promise<string[]> {
  for (const days of [400, 200, 120, 91, 90.01]) await store.create(message(daysAgo(days)));
  const young = [message(daysAgo(89.99)), message(daysAgo(1))];
  for (const m of young) await store.create(m);
  return young.map((m) => m.id);
}

describe('MessageRetention', () => {
  it('prunes what is older than the retention in batches, counts it and logs one line per run', async () => {
    const store = new MemoryMessageStore();
    const young = await fill(store);
    const logger = recordingLogger();
    const retention = new MessageRetention({
      appIds: [APP],
      messages: store,
      lock: new MemoryLock(),
      retentionDays: 90,
      logger,
      batchSize: 2,
      now: () => NOW.getTime(),
    });
    expect(await retention.runOnce()).toBe(5);
    expect(await retention.runOnce()).toBe(0);
    expect(retention.stats()).toEqual({ prunedTotal: 5, runs: 2, lastRunAt: NOW, lastPruned: 0 });
    const remaining = await store.list(APP, {}, { first: 10 });
    expect(remaining.items.map((m) => m.id).sort()).toEqual([...young].sort());
    const lines = logger.at('info').filter((l) => l.msg.startsWith('message retention'));
    expect(lines.map((l) => l.fields)).toEqual([
      expect.objectContaining({ pruned: 5, retentionDays: 90, cutoff: daysAgo(90).toISOString() }),
      expect.objectContaining({ pruned: 0 }),
    ]);
  });

  it('refuses a retention that is not a positive number of days', () => {
    expect(
      () =>
        new MessageRetention({
          appIds: [APP],
          messages: new MemoryMessageStore(),
          lock: new MemoryLock(),
          retentionDays: 0,
          logger: recordingLogger(),
        }),
    ).toThrow(/retentionDays/);
  });
});

describeRedis('MessageRetention on Redis', () => {
  let client: RedisClient;
  const prefix = uniquePrefix('retention');
  beforeAll(async () => {
    client = await connectTestRedis();
  });
  afterAll(async () => {
    await deletePrefix(client, prefix);
    await client.close();
  });

  it('prunes in one process at a time: a run finding the lock held does nothing', async () => {
    const store = new RedisMessageStore({ client, prefix });
    await fill(store);
    const lock = new RedisLock({ client, prefix });
    const make = () =>
      new MessageRetention({
        appIds: [APP],
        messages: store,
        lock,
        retentionDays: 90,
        logger: recordingLogger(),
        now: () => NOW.getTime(),
      });
    const other = await lock.tryAcquire('retention', 60_000);
    expect(other).not.toBeNull();
    const blocked = make();
    expect(await blocked.runOnce()).toBeNull();
    expect(blocked.stats().runs).toBe(0);
    expect((await store.list(APP, {}, { first: 10 })).totalCount).toBe(7);
    await other!.release();
    expect(await make().runOnce()).toBe(5);
    expect((await store.list(APP, {}, { first: 10 })).totalCount).toBe(2);
  });
});
