import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startDeliveryHarness, type DeliveryHarness } from '../../helpers/delivery-harness.js';
import { startPrivateRedis, type PrivateRedis } from '../../helpers/private-redis.js';
import { describeRedis } from '../../helpers/redis.js';

describeRedis('the BullMQ engine through a Redis outage', () => {
  let dir: string;
  let redis: PrivateRedis;
  let harness: DeliveryHarness | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wsg-outage-'));
    redis = await startPrivateRedis({ persistDir: dir });
  });
  afterAll(async () => {
    await harness?.close().catch(() => undefined);
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends every scheduled message once after Redis was down for 10 s', async () => {
    harness = await startDeliveryHarness('bullmq', { redisUrl: redis.url });
    const h = harness;
    const due = new Date(Date.now() + 11_000); // due while Redis is still down or just back
    const messages = [];
    for (let i = 0; i < 20; i++) {
      messages.push(
        await h.delivery.service.schedule({
          openid: `oOutage${i}`,
          templateId: h.templateId,
          data: { thing1: '已发货' },
          when: { sendAt: new Date(due.getTime() + i * 50) },
        }),
      );
    }
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await redis.start();
    for (const message of messages) {
      const deadline = Date.now() + 40_000;
      for (;;) {
        const current = await h.stores.messages.get(h.appId, message.id).catch(() => null);
        if (current && !['SCHEDULED', 'QUEUED', 'SENDING'].includes(current.status)) {
          expect({ id: message.id, status: current.status }).toEqual({
            id: message.id,
            status: 'SENT',
          });
          break;
        }
        if (Date.now() > deadline) throw new Error(`message ${message.id} never sent`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const openids = h.stub.sendLog.map((s) => s.touser);
    expect(openids.sort()).toEqual(messages.map((m) => m.openid).sort());
  }, 90_000);
});
