import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisMessageStore } from '../../../src/services/messages/redis-message-store.js';
import type { MessageRecord } from '../../../src/services/messages/message-store.js';
import { DEMO_APP_ID } from '../../../src/simulator/index.js';
import { sentMessageRecord } from '../../helpers/message-record.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { parsePrometheus, sumOf } from '../../helpers/prometheus-text.js';
import {
  connectTestRedis,
  deleteTestPrefix,
  describeRedis,
  uniquePrefix,
} from '../../helpers/redis.js';

const DAY_MS = 86_400_000;

function oldMessage(daysAgo: number, n: number): MessageRecord {
  return sentMessageRecord({
    appId: DEMO_APP_ID,
    openid: `oRetention${String(n).padStart(18, '0')}`,
    templateId: 'hQoa10bh-Hwmp6sweSoumkXQgCtvBmFDNO8PAtEsPwc',
    createdAt: new Date(Date.now() - daysAgo * DAY_MS - n * 1000),
  });
}

async function waitForRun(t: TestGateway): Promise<void> {
  while (t.gateway.retention.stats().runs === 0) await new Promise((r) => setTimeout(r, 10));
}

describe('message retention', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { MESSAGE_RETENTION_DAYS: '30' } });
  });
  afterAll(() => t.close());

  it('runs a prune at start-up with MESSAGE_RETENTION_DAYS and logs it', async () => {
    await waitForRun(t);
    expect(t.gateway.retention.stats()).toMatchObject({ runs: 1, prunedTotal: 0 });
    const [line] = t.logger.at('info').filter((l) => l.msg.startsWith('message retention'));
    expect(line?.fields).toMatchObject({ pruned: 0, retentionDays: 30 });
  });
});

describeRedis('message retention on a shared Redis', () => {
  const prefix = uniquePrefix('retention');
  afterAll(async () => {
    await deleteTestPrefix(prefix);
  });

  it('deletes messages older than the window, keeps the rest, and /metrics counts them', async () => {
    const redis = await connectTestRedis();
    const store = new RedisMessageStore({ client: redis, prefix });
    for (let n = 0; n < 5; n += 1) await store.create(oldMessage(31, n));
    for (let n = 5; n < 8; n += 1) await store.create(oldMessage(29, n));
    const t = await startTestGateway({
      store: 'redis',
      env: { MESSAGE_RETENTION_DAYS: '30', REDIS_PREFIX: prefix },
    });
    try {
      await waitForRun(t);
      expect(t.gateway.retention.stats()).toMatchObject({ runs: 1, prunedTotal: 5 });
      const left = await store.list(DEMO_APP_ID, {}, { first: 20 });
      expect(left.totalCount).toBe(3);
      const metrics = parsePrometheus(await (await fetch(`${t.gateway.url}/metrics`)).text());
      expect(sumOf(metrics, 'wsg_messages_pruned_total', {})).toBe(5);
    } finally {
      await t.close();
      await redis.close();
    }
  });
});
